import Testing
@testable import YAMLEdit

@Test func probe() throws {
  let text = "\u{FEFF}# é\nspec: &a\n  x: 1 # c\n  y: [1, {b: 2}]\n# trailing\nother: |-\n    {\"a\": 1}\n\nz: *a\n"
  let source = SourceText(path: "t", bytes: Array(text.utf8))
  let docs = try YAMLParser.documents(source)
  let d = docs[0]
  for i in 0..<d.nodeCount {
    let n = NodeID(Int32(i))
    let s = d.span(of: n)
    print(i, d.kind(of: n), s, String(decoding: source.bytes[s.start..<s.end], as: UTF8.self).debugDescription)
  }
}
