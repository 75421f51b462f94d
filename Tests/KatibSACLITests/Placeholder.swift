import Testing
@testable import KatibSACLI
