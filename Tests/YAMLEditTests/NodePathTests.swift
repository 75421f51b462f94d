import Testing

@testable import YAMLEdit

@Suite struct NodePathTests {
  static let text = """
    spec:
      template:
        spec:
          containers:
            - name: c
              image: i
      data:
        katib-config.yaml: |
          x: 1

    """

  func path(at needle: String, occurrence: Int = 0) throws -> String? {
    let source = SourceText(path: "t", bytes: Array(Self.text.utf8))
    let document = try #require(try YAMLParser.documents(source).first)
    let bytes = Array(Self.text.utf8)
    var found: [Int] = []
    let target = Array(needle.utf8)
    for start in 0...(bytes.count - target.count) where Array(bytes[start..<start + target.count]) == target {
      found.append(start)
    }
    let offset = try #require(found.dropFirst(occurrence).first)
    return document.path(toOffset: offset, from: try #require(document.root)).map(PathComponent.render)
  }

  @Test func pathsOfOffsets() throws {
    #expect(try path(at: "image: i") == "spec.template.spec.containers[0].image")
    // A mapping's first key starts where the mapping does: the offset names the mapping.
    #expect(try path(at: "name: c") == "spec.template.spec.containers[0]")
    #expect(try path(at: "containers") == "spec.template.spec")
    #expect(try path(at: "x: 1") == "spec.data[katib-config.yaml]")
    #expect(try path(at: "data") == "spec.data")
  }

  @Test func rendering() {
    #expect(PathComponent.render([.key("a"), .index(2), .key("b.c"), .key("d")]) == "a[2][b.c].d")
    #expect(PathComponent.render([.key("a b")]) == "[a b]")
  }
}
