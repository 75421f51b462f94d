/// Line-level facts about the original bytes that an inserted line must match.
public struct TextLayout {
  public let bytes: [UInt8]
  /// Lines before this offset belong to a byte order mark, not to text.
  let contentStart: Int

  public init(_ source: SourceText) {
    bytes = source.bytes
    contentStart = source.byteOrderMarkLength
  }

  /// Offset of the first byte of the line holding `offset`.
  public func lineStart(of offset: Int) -> Int {
    var index = min(offset, bytes.count)
    while index > contentStart {
      let byte = bytes[index - 1]
      if byte == 0x0A || byte == 0x0D { break }
      index -= 1
    }
    return index
  }

  /// Offset of the line break ending the line holding `offset`, or the end of the input.
  public func lineBreak(after offset: Int) -> Int {
    var index = offset
    while index < bytes.count && bytes[index] != 0x0A && bytes[index] != 0x0D { index += 1 }
    return index
  }

  /// The line break at `offset` (`"\n"`, `"\r\n"` or `"\r"`), or `nil` at the end of the input.
  public func lineBreak(at offset: Int) -> String? {
    guard offset < bytes.count else { return nil }
    if bytes[offset] == 0x0D { return offset + 1 < bytes.count && bytes[offset + 1] == 0x0A ? "\r\n" : "\r" }
    return bytes[offset] == 0x0A ? "\n" : nil
  }

  /// The break that ends the line before the line starting at `lineStart`.
  func precedingLineBreak(_ lineStart: Int) -> String? {
    guard lineStart > contentStart else { return nil }
    if bytes[lineStart - 1] == 0x0A {
      return lineStart >= 2 && bytes[lineStart - 2] == 0x0D ? "\r\n" : "\n"
    }
    return bytes[lineStart - 1] == 0x0D ? "\r" : nil
  }

  /// The line ending a new line at `lineStart` should use: that of its neighbour below, else
  /// above, else the first in the file, else LF.
  public func lineEnding(forLineAt lineStart: Int) -> String {
    if let own = lineBreak(at: lineBreak(after: lineStart)) { return own }
    if let above = precedingLineBreak(lineStart) { return above }
    return lineBreak(at: lineBreak(after: contentStart)) ?? "\n"
  }

  /// Whether the line starting at `lineStart` holds only blanks and a comment. A comment holding
  /// NEL, LS or PS is not one: libyaml ends the comment there and reads on as content.
  func isCommentLine(_ lineStart: Int) -> Bool {
    var index = lineStart
    while index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
    guard index < bytes.count && bytes[index] == UInt8(ascii: "#") else { return false }
    return !hasUnicodeLineBreak(in: index..<lineBreak(after: index))
  }

  /// Whether `range` holds NEL (U+0085), LS (U+2028) or PS (U+2029): line breaks to libyaml
  /// (YAML 1.1) outside quoted strings, but not to editors nor to this layout.
  public func hasUnicodeLineBreak(in range: Range<Int>) -> Bool {
    var index = max(range.lowerBound, 0)
    let end = min(range.upperBound, bytes.count)
    while index < end {
      if bytes[index] == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0x85 { return true }
      if bytes[index] == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80
        && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
      {
        return true
      }
      index += 1
    }
    return false
  }

  /// The start of the run of comment lines directly above the line at `lineStart` (a blank line
  /// ends the run), so that an inserted line never separates a comment from the key below it.
  public func startOfAttachedComments(aboveLineAt lineStart: Int) -> Int {
    var current = lineStart
    while current > contentStart {
      let previous = self.lineStart(of: current - 1 - (precedingLineBreak(current)?.utf8.count ?? 1) + 1)
      guard isCommentLine(previous) else { break }
      current = previous
    }
    return current
  }

  /// Whether only spaces stand between the start of the line and `offset`.
  public func isFirstOnLine(_ offset: Int) -> Bool {
    var index = lineStart(of: offset)
    while index < offset {
      if bytes[index] != 0x20 { return false }
      index += 1
    }
    return true
  }

  /// Column of `offset` in characters from the start of its line.
  public func column(of offset: Int) -> Int {
    var column = 0
    var index = lineStart(of: offset)
    while index < offset {
      if bytes[index] & 0xC0 != 0x80 { column += 1 }
      index += 1
    }
    return column
  }
}
