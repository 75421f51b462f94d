import Testing
@testable import YAMLEdit
