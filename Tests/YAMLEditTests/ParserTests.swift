import Testing

@testable import YAMLEdit

private func parse(_ text: String) throws -> [YAMLDocument] {
  try YAMLParser.documents(SourceText(path: "t.yaml", bytes: Array(text.utf8)))
}

private func slice(_ document: YAMLDocument, _ node: NodeID) -> String {
  let span = document.span(of: node)
  return String(decoding: document.source.bytes[span.start..<span.end], as: UTF8.self)
}

private func failure(_ bytes: [UInt8]) -> Diagnostic? {
  do {
    _ = try YAMLParser.documents(SourceText(path: "t.yaml", bytes: bytes))
    return nil
  } catch {
    return error
  }
}

@Suite struct ParserTests {
  @Test func spansAreByteOffsetsAfterNonASCIIAndBOM() throws {
    let document = try parse("\u{FEFF}# é 训练\nkey: välue\n")[0]
    let root = try #require(document.root)
    let (key, value) = try #require(document.pairs(of: root).first)
    #expect(slice(document, key) == "key")
    #expect(slice(document, value) == "välue")
    #expect(document.span(of: key).start == 3 + 12)
  }

  @Test func blockCollectionSpansComeFromChildrenNotFromTrailingComments() throws {
    let document = try parse("outer:\n  inner: 1\n  last: [a, b]  # c\n# trailing\nnext: 2\n")[0]
    let root = try #require(document.root)
    let outer = try #require(document.value("outer", in: root))
    #expect(slice(document, outer) == "inner: 1\n  last: [a, b]")
    let flow = try #require(document.value("last", in: outer))
    #expect(slice(document, flow) == "[a, b]")
  }

  @Test func anchoredScalarKeepsValueStartApart() throws {
    let document = try parse("a: &x !!str value\nb: *x\n")[0]
    let root = try #require(document.root)
    let a = try #require(document.entry("a", in: root)).value
    let span = document.span(of: a)
    #expect(String(decoding: document.source.bytes[span.valueStart..<span.end], as: UTF8.self) == "value")
    #expect(document.anchor(of: a) == "x")
    let alias = try #require(document.entry("b", in: root)).value
    #expect(document.kind(of: alias) == .alias)
    #expect(document.resolved(alias) == a)
  }

  @Test func everyDocumentOfAStreamIsRead() throws {
    let documents = try parse("a: 1\n---\n# only a comment\n---\nb: 2\n...\n")
    #expect(documents.count == 3)
    #expect(documents[1].root.map { documents[1].scalar($0) } == "")
  }

  @Test func errorsCarryEditorLineAndColumnAndContext() throws {
    let error = try #require(failure(Array("a: 1\nb: [x, y\nc: 2\n".utf8)))
    #expect(error.description.hasPrefix("t.yaml:3:2: error: "))
    #expect(error.notes.first?.location?.line == 2)
  }

  @Test func lineNumbersIgnoreNELInsideStrings() throws {
    // libyaml counts NEL (U+0085) as a line break; editors do not.
    let error = try #require(failure(Array("a: \"x\u{85}y\"\nb: [\n".utf8)))
    #expect(error.location?.line == 3)
  }

  @Test func nestingTooDeepStopsEarly() throws {
    let error = try #require(failure(Array(repeating: UInt8(ascii: "["), count: 200_000)))
    #expect(error.message.hasPrefix("nesting too deep"))
    #expect(error.location?.column == 1001)
  }

  @Test func duplicateKeysAreAnErrorAtTheSecondKey() throws {
    let error = try #require(failure(Array("a: 1\nb: 2\na: 3\n".utf8)))
    #expect(error.description == "t.yaml:3:1: error: duplicate key 'a' in a mapping\nt.yaml:1:1: note: the first 'a' is here")
  }

  @Test func otherEncodingsAreRefused() throws {
    #expect(failure([0xFF, 0xFE, 0x61, 0x00])?.message.hasPrefix("UTF-16 input is not supported") == true)
    #expect(failure([0xFF, 0xFE, 0x00, 0x00])?.message.hasPrefix("UTF-32 input is not supported") == true)
    #expect(failure([0x61, 0x00, 0x3A, 0x00])?.message.hasPrefix("UTF-16 or UTF-32") == true)
  }

  @Test func invalidUTF8IsLocatedByByteOffset() throws {
    let error = try #require(failure(Array("a: b\nc: d".utf8) + [0xFF, 0x0A]))
    #expect(error.location?.line == 2)
    #expect(error.location?.column == 5)
    #expect(!error.description.unicodeScalars.contains { $0.value == 0xFFFD })
  }

  @Test func nulBytesAreNotText() throws {
    let error = try #require(failure(Array("a: b\n".utf8) + [0x00, 0x01]))
    #expect(error.message == "NUL byte: this is not a text file")
    #expect(error.location?.line == 2)
  }

  @Test func templatesGetANote() throws {
    let error = try #require(failure(Array("a: 1\n{{- if .Values.x }}\nb: 2\n".utf8)))
    #expect(error.notes.contains { $0.message.hasPrefix("this looks like a template") && $0.location?.line == 2 })
  }
}

@Suite struct LineTableTests {
  @Test func linesBreakAtLFCRLFAndLoneCR() {
    let source = SourceText(path: "p", bytes: Array("a\r\nb\rc\nd".utf8))
    #expect(source.location(of: 0).description == "p:1:1")
    #expect(source.location(of: 3).description == "p:2:1")
    #expect(source.location(of: 5).description == "p:3:1")
    #expect(source.location(of: 7).description == "p:4:1")
    #expect(source.location(of: 8).description == "p:4:2")
  }

  @Test func forwardScanAgreesWithTheTable() {
    let long = String(repeating: "abcdefghij", count: 5)
    let bytes = Array("\u{FEFF}a: é\r\nb:\r\r\n  训: x\n\nz \(long)\r\n\(long)é\r\(long)\n\t\u{0B}\u{0C}x\(long)".utf8)
    let scanning = SourceText(path: "p", bytes: bytes)
    let table = SourceText(path: "p", bytes: bytes)
    _ = table.lineTable
    for offset in 0...bytes.count {
      #expect(scanning.location(of: offset) == table.location(of: offset), "offset \(offset)")
    }
    // Going backwards falls back to the table.
    #expect(scanning.location(of: 4) == table.location(of: 4))
  }

  @Test func columnsCountCharacters() {
    let source = SourceText(path: "p", bytes: Array("é训x".utf8))
    #expect(source.location(of: 5).column == 3)
    // An offset inside a character belongs to that character.
    #expect(source.location(of: 1).column == 1)
  }
}

@Suite struct ScalarIndexMapTests {
  @Test func movesBothWays() {
    var map = ScalarIndexMap(bytes: Array("\u{FEFF}aé训😀b".utf8), byteOrderMarkLength: 3)
    #expect(map.byteOffset(of: 4) == 3 + 1 + 2 + 3 + 4)
    #expect(map.byteOffset(of: 2) == 6)
    #expect(map.byteOffset(of: 0) == 3)
    #expect(map.byteOffset(of: 99) == 14)
  }
}
