/// Compares the trees of two documents that should differ only by inserted keys: used by the
/// fuzzer and the tests to check that a fix changed nothing but what it reports.
///
/// The walk uses an explicit stack, never recursion, and does not follow aliases (an alias is
/// compared by its name), so deep or self-referencing input costs at most one visit per node.
public enum TreeComparison {
  /// Keys the output may have in a mapping where the input has none of that name.
  public static let defaultInsertableKeys: Set<String> = ["serviceAccountName", "taskRunTemplate"]

  /// A description of the first difference between `input` and `output` other than keys of
  /// `insertable` added to mappings, or `nil` when there is none.
  ///
  /// With `embeddedDepth > 0`, two different string scalars are also accepted when both parse as
  /// YAML (or JSON) streams that differ only in the same way: katib-sa edits text inside
  /// ConfigMap values.
  public static func difference(
    _ input: YAMLDocument, _ output: YAMLDocument, insertable: Set<String> = defaultInsertableKeys,
    embeddedDepth: Int = 1
  ) -> String? {
    switch (input.root, output.root) {
    case (nil, nil): return nil
    case (nil, _), (_, nil): return "document \(input.index): one of the documents is empty"
    case (let a?, let b?):
      var stack: [(NodeID, NodeID, String)] = [(a, b, "")]
      while let (x, y, path) = stack.popLast() {
        let where_ = "document \(input.index) at '\(path.isEmpty ? "." : path)'"
        let kind = input.kind(of: x)
        guard kind == output.kind(of: y) else { return "\(where_): node kind changed" }
        guard input.anchor(of: x) == output.anchor(of: y) else { return "\(where_): anchor changed" }
        guard input.tag(of: x) == output.tag(of: y) else { return "\(where_): tag changed" }
        switch kind {
        case .alias:
          guard input.aliasName(x) == output.aliasName(y) else { return "\(where_): alias changed" }
        case .scalar:
          guard input.scalarStyle(of: x) == output.scalarStyle(of: y) else {
            return "\(where_): scalar style changed"
          }
          let old = input.scalar(x) ?? ""
          let new = output.scalar(y) ?? ""
          if old != new {
            guard embeddedDepth > 0 else { return "\(where_): scalar value changed" }
            if let problem = embeddedDifference(old, new, insertable: insertable, depth: embeddedDepth - 1) {
              return "\(where_): scalar value changed (\(problem))"
            }
          }
        case .sequence:
          let left = input.items(of: x)
          let right = output.items(of: y)
          guard left.count == right.count else { return "\(where_): sequence length changed" }
          for (index, pair) in zip(left, right).enumerated().reversed() {
            stack.append((pair.0, pair.1, "\(path)[\(index)]"))
          }
        case .mapping:
          let left = input.pairs(of: x)
          let right = output.pairs(of: y)
          let leftNames = Set(left.compactMap { input.scalar($0.key) })
          var i = 0
          var matched: [(NodeID, NodeID, String)] = []
          for pair in right {
            let name = output.scalar(pair.key)
            if i < left.count && sameKey(input, left[i].key, output, pair.key) {
              let label = name ?? "?"
              matched.append((left[i].key, pair.key, "\(path).<key \(label)>"))
              matched.append((left[i].value, pair.value, "\(path).\(label)"))
              i += 1
            } else if let name, insertable.contains(name), !leftNames.contains(name) {
              continue
            } else {
              return "\(where_): mapping keys differ (unexpected key '\(name ?? "<complex>")')"
            }
          }
          guard i == left.count else { return "\(where_): a mapping key was removed" }
          stack.append(contentsOf: matched.reversed())
        }
      }
      return nil
    }
  }

  private static func sameKey(_ a: YAMLDocument, _ x: NodeID, _ b: YAMLDocument, _ y: NodeID) -> Bool {
    guard a.kind(of: x) == b.kind(of: y) else { return false }
    if a.kind(of: x) == .scalar { return a.scalar(x) == b.scalar(y) }
    return true
  }

  /// Parses two scalar values as streams and compares them document by document.
  static func embeddedDifference(_ old: String, _ new: String, insertable: Set<String>, depth: Int)
    -> String?
  {
    let before: [YAMLDocument]
    let after: [YAMLDocument]
    do {
      before = try YAMLParser.documents(SourceText(path: "old", bytes: Array(old.utf8)))
      after = try YAMLParser.documents(SourceText(path: "new", bytes: Array(new.utf8)))
    } catch {
      return "not comparable as embedded YAML: \(error.message)"
    }
    guard before.count == after.count else { return "embedded document count changed" }
    for (a, b) in zip(before, after) {
      if let problem = difference(a, b, insertable: insertable, embeddedDepth: depth) {
        return "embedded: \(problem)"
      }
    }
    return nil
  }
}
