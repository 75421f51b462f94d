/// Text held inside a scalar (JSON or YAML in a ConfigMap value), with the mapping between its
/// own offsets and the bytes of the file, so it can be parsed and edited like a file of its own.
public struct EmbeddedText {
  /// The inner text, ready to parse; diagnostics against it are mapped back with ``outerLocation(of:)``.
  public let inner: SourceText
  let outer: SourceText
  let encoding: Encoding

  enum Encoding {
    /// Literal block: inner line `i` starts at `lines[i].inner` and sits at `lines[i].outer`;
    /// inserted lines get `indent` spaces.
    case literal(lines: [(inner: Int, outer: Int)], indent: Int)
    /// Double-quoted: inner byte `i` is encoded by outer bytes `starts[i]..<ends[i]`.
    case doubleQuoted(starts: [Int], ends: [Int], contentStart: Int)
  }

  /// Why the scalar cannot be edited as embedded text.
  public struct Unsupported: Error, Sendable {
    public let message: String
  }

  /// Opens a literal (`|`) or double-quoted scalar; other styles cannot be edited in place.
  public init(scalar node: NodeID, of document: YAMLDocument, innerPath: String) throws(Unsupported) {
    outer = document.source
    guard let value = document.scalar(node) else { throw Unsupported(message: "not a string") }
    let span = document.span(of: node)
    switch document.scalarStyle(of: node) {
    case .literal:
      let (bytes, lines, indent) = try Self.literalLines(outer.bytes, span: span, value: value)
      inner = SourceText(path: innerPath, bytes: bytes)
      encoding = .literal(lines: lines, indent: indent)
    case .doubleQuoted:
      let decoded = try DoubleQuotedDecoder.decode(outer.bytes, from: span.valueStart + 1, to: span.end - 1)
      guard decoded.bytes == Array(value.utf8) else {
        throw Unsupported(message: "cannot map this double-quoted string back to the file")
      }
      inner = SourceText(path: innerPath, bytes: decoded.bytes)
      encoding = .doubleQuoted(starts: decoded.starts, ends: decoded.ends, contentStart: span.valueStart + 1)
    case .folded:
      throw Unsupported(message: "a folded (>) block scalar cannot be edited without changing its text")
    case .plain, .singleQuoted:
      throw Unsupported(message: "a \(document.scalarStyle(of: node) == .plain ? "plain" : "single-quoted") scalar cannot be edited in place; write it as a literal block (|)")
    }
  }

  /// The file offset of an inner offset, for diagnostics.
  public func outerOffset(of innerOffset: Int) -> Int {
    switch encoding {
    case .literal(let lines, _):
      let line = Self.lineIndex(lines, containing: innerOffset)
      return lines[line].outer + (innerOffset - lines[line].inner)
    case .doubleQuoted(let starts, let ends, let contentStart):
      if innerOffset < starts.count { return starts[innerOffset] }
      return ends.last ?? contentStart
    }
  }

  /// The file location of an inner offset.
  public func outerLocation(of innerOffset: Int) -> SourceLocation {
    outer.location(of: outerOffset(of: innerOffset))
  }

  /// Translates an edit of the inner text to an edit of the file: positions shift, and the
  /// inserted text is re-indented (literal) or escaped (double-quoted).
  public func outerEdit(_ edit: TextEdit) -> TextEdit {
    let text = String(decoding: edit.replacement, as: UTF8.self)
    switch encoding {
    case .literal(_, let indent):
      let pad = String(repeating: " ", count: indent)
      var out = ""
      let scalars = Array(text.unicodeScalars)
      for (index, character) in scalars.enumerated() {
        out.unicodeScalars.append(character)
        // A lone CR ends a line of the block as LF and CRLF do; the next line needs the indent.
        let lineEnds = character == "\n" || (character == "\r" && (index + 1 == scalars.count || scalars[index + 1] != "\n"))
        if lineEnds { out += pad }
      }
      let start = outerOffset(of: edit.range.lowerBound)
      let end = edit.range.isEmpty ? start : outerOffset(of: edit.range.upperBound)
      return .replace(start..<end, with: out)
    case .doubleQuoted(_, let ends, let contentStart):
      var escaped = ScalarText.doubleQuoted(text)
      escaped.removeFirst()
      escaped.removeLast()
      let start = edit.range.lowerBound == 0 ? contentStart : ends[edit.range.lowerBound - 1]
      let end = edit.range.isEmpty ? start : ends[edit.range.upperBound - 1]
      return .replace(start..<end, with: escaped)
    }
  }

  private static func lineIndex(_ lines: [(inner: Int, outer: Int)], containing offset: Int) -> Int {
    var low = 0
    var high = lines.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lines[mid].inner <= offset { low = mid } else { high = mid - 1 }
    }
    return low
  }

  /// The indentation of the first line of `text` that has more than spaces.
  static func leadingSpacesOfFirstContentLine(_ text: String.UTF8View) -> Int {
    var spaces = 0
    for byte in text {
      if byte == 0x20 {
        spaces += 1
      } else if byte == 0x0A {
        spaces = 0
      } else {
        return spaces
      }
    }
    return 0
  }

  /// Compares two texts as libyaml sees them: CR dropped, trailing line breaks (chomping) ignored.
  static func sameTextIgnoringCarriageReturnsAndFinalBreaks(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    func contentEnd(_ text: [UInt8]) -> Int {
      var end = text.count
      while end > 0 && (text[end - 1] == 0x0A || text[end - 1] == 0x0D) { end -= 1 }
      return end
    }
    let aEnd = contentEnd(a)
    let bEnd = contentEnd(b)
    var i = 0
    var j = 0
    while true {
      while i < aEnd && a[i] == 0x0D { i += 1 }
      while j < bEnd && b[j] == 0x0D { j += 1 }
      if i == aEnd || j == bEnd { return i == aEnd && j == bEnd }
      if a[i] != b[j] { return false }
      i += 1
      j += 1
    }
  }

  /// Splits a literal block into content lines with their indentation removed, keeping each
  /// line's own line break so that inner offsets map to outer ones by addition.
  static func literalLines(_ bytes: [UInt8], span: NodeSpan, value: String) throws(Unsupported)
    -> ([UInt8], [(inner: Int, outer: Int)], Int)
  {
    var index = span.valueStart
    while index < span.end && bytes[index] != 0x0A && bytes[index] != 0x0D { index += 1 }
    if index < span.end && bytes[index] == 0x0D { index += 1 }
    if index < span.end && bytes[index] == 0x0A { index += 1 }
    let contentStart = index
    var rawLines: [Range<Int>] = []
    while index < span.end {
      let lineStart = index
      while index < span.end && bytes[index] != 0x0A && bytes[index] != 0x0D { index += 1 }
      if index < span.end && bytes[index] == 0x0D { index += 1 }
      if index < span.end && bytes[index] == 0x0A { index += 1 }
      rawLines.append(lineStart..<index)
    }
    func leadingSpaces<C: Collection>(_ line: C) -> Int where C.Element == UInt8 {
      line.prefix { $0 == 0x20 }.count
    }
    func isBlank(_ line: Range<Int>) -> Bool {
      bytes[line].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }
    }
    guard let firstContent = rawLines.first(where: { !isBlank($0) }) else {
      throw Unsupported(message: "the block scalar is empty")
    }
    let indent = leadingSpaces(bytes[firstContent]) - leadingSpacesOfFirstContentLine(value.utf8)
    guard indent > 0 else { throw Unsupported(message: "cannot find the block scalar's indentation") }
    var inner: [UInt8] = []
    var lines: [(inner: Int, outer: Int)] = []
    for line in rawLines {
      let lineBytes = bytes[line]
      if leadingSpaces(lineBytes) >= indent {
        lines.append((inner.count, line.lowerBound + indent))
        inner.append(contentsOf: bytes[(line.lowerBound + indent)..<line.upperBound])
      } else if isBlank(line) {
        let breakStart = line.lowerBound + leadingSpaces(lineBytes)
        lines.append((inner.count, breakStart))
        inner.append(contentsOf: bytes[breakStart..<line.upperBound])
      } else {
        break  // a less-indented line (a comment) ends the block; libyaml's span runs past it
      }
    }
    if lines.isEmpty { lines.append((0, contentStart)) }
    // Our line split must reproduce libyaml's value, or the offset mapping would be wrong.
    guard sameTextIgnoringCarriageReturnsAndFinalBreaks(inner, Array(value.utf8)) else {
      throw Unsupported(message: "cannot map this block scalar's lines back to the file")
    }
    return (inner, lines, indent)
  }
}

/// Decodes a YAML double-quoted scalar, remembering which file bytes produced each decoded byte.
enum DoubleQuotedDecoder {
  struct Decoded {
    var bytes: [UInt8] = []
    var starts: [Int] = []
    var ends: [Int] = []
    mutating func emit(_ produced: [UInt8], from start: Int, to end: Int) {
      for byte in produced {
        bytes.append(byte)
        starts.append(start)
        ends.append(end)
      }
    }
  }

  static func decode(_ bytes: [UInt8], from start: Int, to end: Int) throws(EmbeddedText.Unsupported) -> Decoded {
    var out = Decoded()
    var index = start
    func isBreak(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }
    func skipBreak(_ at: Int) -> Int {
      if bytes[at] == 0x0D && at + 1 < end && bytes[at + 1] == 0x0A { return at + 2 }
      return at + 1
    }
    while index < end {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\\") {
        guard index + 1 < end else { throw .init(message: "unterminated escape") }
        let code = bytes[index + 1]
        if isBreak(code) {
          // An escaped line break joins the lines; the next line's leading blanks go too.
          var next = skipBreak(index + 1)
          while next < end && (bytes[next] == 0x20 || bytes[next] == 0x09) { next += 1 }
          index = next
          continue
        }
        let simple: [UInt8: [UInt8]] = [
          UInt8(ascii: "0"): [0], UInt8(ascii: "a"): [7], UInt8(ascii: "b"): [8],
          UInt8(ascii: "t"): [9], 0x09: [9], UInt8(ascii: "n"): [10], UInt8(ascii: "v"): [11],
          UInt8(ascii: "f"): [12], UInt8(ascii: "r"): [13], UInt8(ascii: "e"): [27],
          0x20: [0x20], UInt8(ascii: "\""): [0x22], UInt8(ascii: "/"): [0x2F],
          UInt8(ascii: "\\"): [0x5C], UInt8(ascii: "N"): [0xC2, 0x85], UInt8(ascii: "_"): [0xC2, 0xA0],
          UInt8(ascii: "L"): [0xE2, 0x80, 0xA8], UInt8(ascii: "P"): [0xE2, 0x80, 0xA9],
        ]
        if let produced = simple[code] {
          out.emit(produced, from: index, to: index + 2)
          index += 2
          continue
        }
        let width = code == UInt8(ascii: "x") ? 2 : code == UInt8(ascii: "u") ? 4 : code == UInt8(ascii: "U") ? 8 : 0
        guard width > 0, index + 2 + width <= end,
          let value = UInt32(String(decoding: bytes[(index + 2)..<(index + 2 + width)], as: UTF8.self), radix: 16),
          let scalar = Unicode.Scalar(value)
        else { throw .init(message: "unknown escape in a double-quoted string") }
        out.emit(Array(String(Character(scalar)).utf8), from: index, to: index + 2 + width)
        index += 2 + width
        continue
      }
      if byte == 0x20 || byte == 0x09 {
        var next = index
        while next < end && (bytes[next] == 0x20 || bytes[next] == 0x09) { next += 1 }
        if next < end && isBreak(bytes[next]) {
          index = next  // blanks before a folded line break are not content
          continue
        }
        for position in index..<next { out.emit([bytes[position]], from: position, to: position + 1) }
        index = next
        continue
      }
      if isBreak(byte) {
        // A line break folds to a space, or to n-1 newlines when n-1 empty lines follow.
        let foldStart = index
        var next = skipBreak(index)
        var emptyLines = 0
        while true {
          var probe = next
          while probe < end && (bytes[probe] == 0x20 || bytes[probe] == 0x09) { probe += 1 }
          if probe < end && isBreak(bytes[probe]) {
            emptyLines += 1
            next = skipBreak(probe)
          } else {
            next = probe
            break
          }
        }
        let produced: [UInt8] = emptyLines == 0 ? [0x20] : Array(repeating: 0x0A, count: emptyLines)
        out.emit(produced, from: foldStart, to: next)
        index = next
        continue
      }
      out.emit([byte], from: index, to: index + 1)
      index += 1
    }
    return out
  }
}
