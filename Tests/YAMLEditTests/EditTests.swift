import Testing

@testable import YAMLEdit

private func apply(_ edits: [TextEdit], to text: String) throws -> String {
  String(decoding: try Splicer.apply(edits, to: Array(text.utf8)), as: UTF8.self)
}

@Suite struct SplicerTests {
  @Test func noEditsGiveTheSameBytes() throws {
    #expect(try apply([], to: "abc") == "abc")
  }

  @Test func editsApplyInOffsetOrderWhateverTheirListOrder() throws {
    #expect(try apply([.insert("Z", at: 3), .insert("X", at: 0), .replace(1..<2, with: "yy")], to: "abc") == "XayycZ")
  }

  @Test func insertionsAtOneOffsetKeepTheirOrder() throws {
    #expect(try apply([.insert("1", at: 1), .insert("2", at: 1)], to: "ab") == "a12b")
  }

  @Test func replacementNextToInsertion() throws {
    #expect(try apply([.replace(1..<2, with: "B"), .insert("|", at: 1), .insert("|", at: 2)], to: "abc") == "a|B|c")
  }

  @Test func overlappingEditsThrow() throws {
    #expect(throws: Splicer.OverlapError.self) { try apply([.replace(0..<2, with: ""), .replace(1..<3, with: "")], to: "abc") }
    #expect(throws: Splicer.OverlapError.self) { try apply([.replace(2..<9, with: "")], to: "abc") }
  }
}

private func insert(_ text: String, at path: [String], _ entry: InsertedEntry = InsertedEntry("serviceAccountName", .string("default-editor"))) throws -> String {
  let source = SourceText(path: "t", bytes: Array(text.utf8))
  let document = try #require(try YAMLParser.documents(source).first)
  let root = try #require(document.root)
  let target = try #require(document.value(at: path, from: root))
  let edit = try MappingEditor(document: document).insert(entry, into: target)
  return String(decoding: try Splicer.apply([edit], to: source.bytes), as: UTF8.self)
}

private func firstItem(_ source: SourceText) throws -> (document: YAMLDocument, node: NodeID) {
  let document = try #require(try YAMLParser.documents(source).first)
  let root = try #require(document.root)
  let sequence = try #require(document.value(at: ["s"], from: root))
  return (document, try #require(document.items(of: sequence).first))
}

@Suite struct MappingEditorTests {
  @Test func blockMappingGetsAFirstLineAboveItsCommentBlock() throws {
    let input = "spec:\n\n  # about containers\n  # more\n  containers: []\n"
    #expect(try insert(input, at: ["spec"]) == "spec:\n\n  serviceAccountName: default-editor\n  # about containers\n  # more\n  containers: []\n")
  }

  @Test func crlfFilesGetCRLF() throws {
    #expect(try insert("spec:\r\n  a: 1\r\n", at: ["spec"]) == "spec:\r\n  serviceAccountName: default-editor\r\n  a: 1\r\n")
  }

  @Test func sequenceItemGetsASecondKey() throws {
    let text = "s:\n  - algorithmName: a\n    image: y\n"
    let source = SourceText(path: "t", bytes: Array(text.utf8))
    let item = try firstItem(source)
    let edit = try MappingEditor(document: item.document).insert(InsertedEntry("k", .string("v")), into: item.node)
    #expect(String(decoding: try Splicer.apply([edit], to: source.bytes), as: UTF8.self) == "s:\n  - algorithmName: a\n    k: v\n    image: y\n")
  }

  @Test func singleEntrySequenceItemWithoutFinalNewlineAppends() throws {
    let text = "s:\n  - algorithmName: a"
    let source = SourceText(path: "t", bytes: Array(text.utf8))
    let item = try firstItem(source)
    let edit = try MappingEditor(document: item.document).insert(InsertedEntry("k", .string("v")), into: item.node)
    #expect(String(decoding: try Splicer.apply([edit], to: source.bytes), as: UTF8.self) == "s:\n  - algorithmName: a\n    k: v")
  }

  @Test func flowMappingsStayFlow() throws {
    #expect(try insert("spec: {containers: []}\n", at: ["spec"]) == "spec: {containers: [], serviceAccountName: default-editor}\n")
    #expect(try insert("spec: {}\n", at: ["spec"]) == "spec: {serviceAccountName: default-editor}\n")
  }

  @Test func jsonStaysJSONInItsLayout() throws {
    #expect(try insert("{\"spec\": {\"a\": 1}}", at: ["spec"]) == "{\"spec\": {\"a\": 1, \"serviceAccountName\": \"default-editor\"}}")
    #expect(try insert("{\"spec\":{\"a\":1}}", at: ["spec"]) == "{\"spec\":{\"a\":1,\"serviceAccountName\":\"default-editor\"}}")
    #expect(try insert("{\"spec\": {}}", at: ["spec"]) == "{\"spec\": {\"serviceAccountName\": \"default-editor\"}}")
    let pretty = "{\n  \"spec\": {\n    \"a\": 1\n  }\n}\n"
    #expect(try insert(pretty, at: ["spec"]) == "{\n  \"spec\": {\n    \"serviceAccountName\": \"default-editor\",\n    \"a\": 1\n  }\n}\n")
  }

  @Test func nestedEntriesUseTheFilesIndentStep() throws {
    let entry = InsertedEntry("taskRunTemplate", .mapping([InsertedEntry("serviceAccountName", .string("x"))]))
    let input = "spec:\n    params:\n        a: 1\n"
    #expect(try insert(input, at: ["spec"], entry) == "spec:\n    taskRunTemplate:\n        serviceAccountName: x\n    params:\n        a: 1\n")
  }

  @Test func valuesThatWouldChangeTypeAreQuoted() {
    #expect(ScalarText.yaml("default-editor") == "default-editor")
    #expect(ScalarText.yaml("yes") == "\"yes\"")
    #expect(ScalarText.yaml("123") == "\"123\"")
    #expect(ScalarText.yaml("a: b") == "\"a: b\"")
  }
}

@Suite struct EmbeddedTextTests {
  private func embedded(_ text: String) throws -> (YAMLDocument, EmbeddedText) {
    let document = try #require(try YAMLParser.documents(SourceText(path: "t", bytes: Array(text.utf8))).first)
    let root = try #require(document.root)
    let value = try #require(document.entry("v", in: root)).value
    return (document, try EmbeddedText(scalar: value, of: document, innerPath: "t"))
  }

  @Test func literalBlockMapsInnerOffsetsToFileOffsets() throws {
    let (_, text) = try embedded("v: |-\n    {\n      \"a\": 1\n    }\nw: 2\n")
    #expect(String(decoding: text.inner.bytes, as: UTF8.self) == "{\n  \"a\": 1\n}\n")
    #expect(text.outerOffset(of: 4) == 6 + 4 + 2 + 4 + 2)  // the 'a' key's quote
    #expect(text.outerLocation(of: 4).description == "t:3:7")
  }

  @Test func literalInsertionIsReindented() throws {
    let (document, text) = try embedded("v: |\n    {\n      \"a\": 1\n    }\n")
    let edit = text.outerEdit(.insert("  \"k\": 2,\n", at: 2))
    let output = String(decoding: try Splicer.apply([edit], to: document.source.bytes), as: UTF8.self)
    #expect(output == "v: |\n    {\n      \"k\": 2,\n      \"a\": 1\n    }\n")
  }

  @Test func literalBlockKeepsCRLF() throws {
    let (_, text) = try embedded("v: |\r\n  a: 1\r\n  b: 2\r\n")
    #expect(text.inner.bytes == Array("a: 1\r\nb: 2\r\n".utf8))
  }

  @Test func foldedAndPlainScalarsAreRefused() throws {
    #expect(throws: EmbeddedText.Unsupported.self) { try embedded("v: >\n  {}\n") }
    #expect(throws: EmbeddedText.Unsupported.self) { try embedded("v: '{}'\n") }
  }

  @Test func doubleQuotedDecodingFollowsEscapesAndFolding() throws {
    let (_, text) = try embedded("v: \"a\\tb\\n  c \\\n   \\ d\n\n  e\\u00e9\"\n")
    #expect(String(decoding: text.inner.bytes, as: UTF8.self) == "a\tb\n  c  d\neé")
  }

  @Test func doubleQuotedInsertionIsEscaped() throws {
    let (document, text) = try embedded("v: \"{\\n  \\\"a\\\": 1\\n}\"\n")
    let edit = text.outerEdit(.insert("  \"k\": \"x\",\n", at: 2))
    let output = String(decoding: try Splicer.apply([edit], to: document.source.bytes), as: UTF8.self)
    #expect(output == "v: \"{\\n  \\\"k\\\": \\\"x\\\",\\n  \\\"a\\\": 1\\n}\"\n")
  }
}

@Suite struct JSONValidatorTests {
  private func problem(_ text: String) -> JSONValidator.Problem? {
    do {
      try JSONValidator.validate(Array(text.utf8))
      return nil
    } catch {
      return error
    }
  }

  @Test func acceptsJSON() {
    #expect(problem("{\"a\": [1, -2.5e3, true, null, \"\\u00e9\"], \"b\": {}}") == nil)
    #expect(problem(" [] ") == nil)
  }

  @Test func pointsAtTheOffendingByte() {
    #expect(problem("{\"a\": 1,}") == .init(offset: 7, message: "trailing comma in an object"))
    #expect(problem("[1,]") == .init(offset: 2, message: "trailing comma in an array"))
    #expect(problem("{a: 1}") == .init(offset: 1, message: "expected a double-quoted key"))
    #expect(problem("{\"a\": 01}")?.message == "leading zero in a JSON number")
    #expect(problem("{\"a\": 1} x")?.offset == 9)
    #expect(problem("{\"a\": 'x'}")?.message == "unexpected character ''' in JSON")
    #expect(problem("{\"a\" 1}")?.message == "expected ':' after an object key")
    #expect(problem("{\"a\"")?.message == "unexpected end of JSON")
  }

  @Test func deepNestingIsRefusedWithoutRecursion() {
    #expect(problem(String(repeating: "[", count: 100_000))?.message == "JSON nested too deeply")
  }
}
