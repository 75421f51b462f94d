/// One step of a path into a document: a mapping key or a sequence index.
public enum PathComponent: Sendable, Hashable {
  case key(String)
  case index(Int)

  /// `a.b[0][key.with.dots]`: keys that would read ambiguously after a dot go in brackets.
  public static func render(_ path: [PathComponent]) -> String {
    var out = ""
    for component in path {
      switch component {
      case .index(let index):
        out += "[\(index)]"
      case .key(let key):
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
          scalar.isASCII && scalar != "." && scalar != "[" && scalar != "]" && scalar.value > 0x20
        }
        if !plain {
          out += "[\(key)]"
        } else {
          out += out.isEmpty ? key : ".\(key)"
        }
      }
    }
    return out
  }
}

extension YAMLDocument {
  /// The path from `root` to the deepest node whose bytes hold `offset`, without following aliases.
  ///
  /// A mapping starts where its first key starts; an offset there names the mapping, not that key.
  /// A block sequence starts where its first item starts; an offset there names the item. An offset
  /// outside `root` gives `nil`.
  public func path(toOffset offset: Int, from root: NodeID) -> [PathComponent]? {
    var current = resolved(root)
    func holds(_ node: NodeID) -> Bool {
      let span = span(of: node)
      return offset >= span.start && (offset < span.end || (span.start == span.end && offset == span.start))
    }
    guard holds(current) else { return nil }
    var path: [PathComponent] = []
    while true {
      let start = span(of: current).start
      var next: (PathComponent, NodeID)?
      switch kind(of: current) {
      case .mapping:
        for (key, value) in pairs(of: current) where holds(key) || holds(value) {
          let name = scalar(key) ?? "?"
          if holds(value) {
            next = (.key(name), value)
          } else if span(of: key).start != start {
            next = (.key(name), key)
          }
          break
        }
      case .sequence:
        for (index, item) in items(of: current).enumerated() where holds(item) {
          next = (.index(index), item)
          break
        }
      case .scalar, .alias:
        break
      }
      guard let (component, node) = next else { return path }
      path.append(component)
      // A key holds no children, and an alias's target lies elsewhere.
      if node != current, kind(of: node) == .mapping || kind(of: node) == .sequence {
        current = node
      } else {
        return path
      }
    }
  }
}
