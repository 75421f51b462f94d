/// Identifies a node inside one ``YAMLDocument``.
public struct NodeID: Hashable, Sendable, Comparable {
  public let rawValue: Int32
  public init(_ rawValue: Int32) { self.rawValue = rawValue }
  public static func < (a: NodeID, b: NodeID) -> Bool { a.rawValue < b.rawValue }
}

/// What a node is.
public enum NodeKind: UInt8, Sendable {
  case scalar, mapping, sequence, alias
}

/// How a scalar was written.
public enum ScalarStyle: UInt8, Sendable {
  case plain, singleQuoted, doubleQuoted, literal, folded
}

/// Byte positions of a node in the original input.
///
/// Block collections get their span from their children, because libyaml's marks for them are
/// zero-width and the end mark sits after trailing comments.
public struct NodeSpan: Sendable, Hashable {
  /// First byte of the node, including an anchor or tag in front of it.
  public var start: Int
  /// First byte of the value itself, after any anchor and tag.
  public var valueStart: Int
  /// One past the last byte of the value (a block scalar's trailing blank lines included).
  public var end: Int
}

/// A node's fixed-size facts; text lives in the document's byte arena, so copying a record never
/// touches a reference count.
struct NodeRecord {
  var kind: NodeKind
  var scalarStyle: ScalarStyle
  var isFlow: Bool
  /// Set while a collection is open when it carried an anchor or tag (its span then starts there).
  var hasProperties: Bool
  var span: NodeSpan
  /// Index into `YAMLDocument.children`; mappings store key, value, key, value …
  var firstChild: Int32
  var childCount: Int32
  /// Scalar value, or alias name: `text.lowerBound..<text.upperBound` of `YAMLDocument.text`.
  var textStart: Int32
  var textLength: Int32
  /// The anchored node an alias refers to.
  var aliasTarget: Int32
}

/// One document of a YAML stream: a read-only tree whose nodes point into the original bytes.
public struct YAMLDocument {
  /// 0-based position of the document in its stream.
  public let index: Int
  /// Byte range of the document, from its first token to the start of the next document.
  public internal(set) var startOffset: Int
  public internal(set) var endOffset: Int
  public let source: SourceText
  var nodes: [NodeRecord] = []
  var children: [Int32] = []
  /// Decoded scalar values and alias names, back to back.
  var text: [UInt8] = []
  /// Anchors and tags are rare: kept aside so node records stay small.
  var anchors: [Int32: String] = [:]
  var tags: [Int32: String] = [:]
  /// The root node, absent for an empty document.
  public internal(set) var root: NodeID?

  init(index: Int, source: SourceText, startOffset: Int) {
    self.index = index
    self.source = source
    self.startOffset = startOffset
    self.endOffset = startOffset
  }

  @inline(__always) func record(_ node: NodeID) -> NodeRecord { nodes[Int(node.rawValue)] }

  public var nodeCount: Int { nodes.count }
  public func kind(of node: NodeID) -> NodeKind { record(node).kind }
  public func span(of node: NodeID) -> NodeSpan { record(node).span }
  public func isFlow(_ node: NodeID) -> Bool { record(node).isFlow }
  public func scalarStyle(of node: NodeID) -> ScalarStyle { record(node).scalarStyle }
  public func anchor(of node: NodeID) -> String? { anchors.isEmpty ? nil : anchors[node.rawValue] }
  public func tag(of node: NodeID) -> String? { tags.isEmpty ? nil : tags[node.rawValue] }

  /// The decoded value of a scalar, `nil` for other kinds.
  public func scalar(_ node: NodeID) -> String? {
    let record = record(node)
    return record.kind == .scalar ? string(of: record) : nil
  }

  /// The name an alias refers to, `nil` for other kinds.
  public func aliasName(_ node: NodeID) -> String? {
    let record = record(node)
    return record.kind == .alias ? string(of: record) : nil
  }

  func string(of record: NodeRecord) -> String {
    let start = Int(record.textStart)
    return String(decoding: text[start..<start + Int(record.textLength)], as: UTF8.self)
  }

  /// Whether a record's text equals `key`, without making a String.
  func textEquals(_ record: NodeRecord, _ key: String) -> Bool {
    let count = Int(record.textLength)
    guard key.utf8.count == count else { return false }
    var index = Int(record.textStart)
    for byte in key.utf8 {
      if text[index] != byte { return false }
      index += 1
    }
    return true
  }

  /// The node an alias refers to, or the node itself.
  public func resolved(_ node: NodeID) -> NodeID {
    let record = record(node)
    return record.kind == .alias ? NodeID(record.aliasTarget) : node
  }

  /// Key/value pairs of a mapping, in source order; empty for other kinds.
  public func pairs(of node: NodeID) -> [(key: NodeID, value: NodeID)] {
    let record = record(node)
    guard record.kind == .mapping else { return [] }
    var result: [(key: NodeID, value: NodeID)] = []
    result.reserveCapacity(Int(record.childCount / 2))
    var index = Int(record.firstChild)
    let end = index + Int(record.childCount)
    while index < end {
      result.append((NodeID(children[index]), NodeID(children[index + 1])))
      index += 2
    }
    return result
  }

  /// Items of a sequence, in source order; empty for other kinds.
  public func items(of node: NodeID) -> [NodeID] {
    let record = record(node)
    guard record.kind == .sequence else { return [] }
    let start = Int(record.firstChild)
    return children[start..<start + Int(record.childCount)].map { NodeID($0) }
  }

  /// The key node and value node for a plain string key of a mapping, aliases resolved on the
  /// mapping itself but not on the value.
  public func entry(_ key: String, in mapping: NodeID) -> (key: NodeID, value: NodeID)? {
    let record = record(resolved(mapping))
    guard record.kind == .mapping else { return nil }
    var index = Int(record.firstChild)
    let end = index + Int(record.childCount)
    while index < end {
      let keyRecord = nodes[Int(children[index])]
      if keyRecord.kind == .scalar && textEquals(keyRecord, key) {
        return (NodeID(children[index]), NodeID(children[index + 1]))
      }
      index += 2
    }
    return nil
  }

  /// The value for `key` in a mapping, with aliases resolved.
  public func value(_ key: String, in mapping: NodeID) -> NodeID? {
    entry(key, in: mapping).map { resolved($0.value) }
  }

  /// Follows a chain of plain keys from `node`.
  public func value(at path: [String], from node: NodeID) -> NodeID? {
    var current = resolved(node)
    for key in path {
      guard let next = value(key, in: current) else { return nil }
      current = next
    }
    return current
  }

  /// The scalar string at `path` below `node`.
  public func string(at path: [String], from node: NodeID) -> String? {
    value(at: path, from: node).flatMap { scalar($0) }
  }

  /// The editor-style location of a node's first byte.
  public func location(of node: NodeID) -> SourceLocation {
    source.location(of: span(of: node).start)
  }
}
