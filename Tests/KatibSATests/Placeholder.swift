import Testing
@testable import KatibSA
