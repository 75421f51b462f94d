/// A change to the original bytes: replace `range` with `replacement`. An empty range inserts.
public struct TextEdit: Sendable, Hashable, CustomDebugStringConvertible {
  public var range: Range<Int>
  public var replacement: [UInt8]

  public init(range: Range<Int>, replacement: [UInt8]) {
    self.range = range
    self.replacement = replacement
  }

  public static func insert(_ text: String, at offset: Int) -> TextEdit {
    TextEdit(range: offset..<offset, replacement: Array(text.utf8))
  }

  public static func replace(_ range: Range<Int>, with text: String) -> TextEdit {
    TextEdit(range: range, replacement: Array(text.utf8))
  }

  public var isInsertion: Bool { range.isEmpty }

  public var debugDescription: String {
    "\(range.lowerBound)-\(range.upperBound) \(String(decoding: replacement, as: UTF8.self).debugDescription)"
  }
}

/// Applies edits to bytes in one forward pass. Knows nothing about YAML.
public enum Splicer {
  /// Two edits touch the same bytes: a bug in whoever made them, never silently dropped.
  public struct OverlapError: Error, CustomStringConvertible {
    public let first: TextEdit
    public let second: TextEdit
    public var description: String { "overlapping edits \(first.debugDescription) and \(second.debugDescription)" }
  }

  /// Returns `bytes` with every edit applied. Insertions at the same offset keep their order.
  public static func apply(_ edits: [TextEdit], to bytes: [UInt8]) throws(OverlapError) -> [UInt8] {
    if edits.isEmpty { return bytes }
    let ordered = edits.enumerated().sorted {
      ($0.element.range.lowerBound, $0.element.range.upperBound, $0.offset)
        < ($1.element.range.lowerBound, $1.element.range.upperBound, $1.offset)
    }.map(\.element)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count + ordered.reduce(0) { $0 + $1.replacement.count })
    var cursor = 0
    var previous: TextEdit?
    for edit in ordered {
      guard edit.range.lowerBound >= cursor, edit.range.upperBound <= bytes.count else {
        throw OverlapError(first: previous ?? edit, second: edit)
      }
      output.append(contentsOf: bytes[cursor..<edit.range.lowerBound])
      output.append(contentsOf: edit.replacement)
      cursor = edit.range.upperBound
      previous = edit
    }
    output.append(contentsOf: bytes[cursor...])
    return output
  }
}
