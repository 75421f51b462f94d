/// The original bytes of one input, with the name used in diagnostics.
///
/// The bytes are never turned into a `String`: `String(decoding:)` would repair invalid UTF-8 and so
/// change bytes we promised to keep.
public final class SourceText {
  /// The name shown in diagnostics: a path as the user gave it, or `<stdin>`.
  public let path: String
  /// The input exactly as read.
  public let bytes: [UInt8]
  private var cachedLineTable: LineTable?

  public init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
  }

  /// The line table, built on first use: most inputs never need one.
  public var lineTable: LineTable {
    if let table = cachedLineTable { return table }
    let table = LineTable(bytes)
    cachedLineTable = table
    return table
  }

  /// Where the last forward lookup ended: most lookups come in file order, and answering them by
  /// scanning on from there needs no table (which for a 50 MB stream would cost 16 MB).
  private var cursor = (offset: 0, line: 1, lineStart: 0)

  /// The editor-style location of a byte offset.
  public func location(of offset: Int) -> SourceLocation {
    let clamped = max(0, min(offset, bytes.count))
    if cachedLineTable == nil && clamped >= cursor.offset {
      var (index, line, lineStart) = cursor
      bytes.withUnsafeBufferPointer { buffer in
        let raw = UnsafeRawBufferPointer(buffer)
        while index < clamped {
          // Skip 8 bytes at a time while none of them is below 0x0E (no CR or LF among them).
          if index + 8 <= clamped {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if (word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word & 0x8080_8080_8080_8080 == 0 {
              index += 8
              continue
            }
          }
          let byte = buffer[index]
          if byte <= 0x0D && (byte == 0x0A || byte == 0x0D) {
            if byte == 0x0D && index + 1 < buffer.count && buffer[index + 1] == 0x0A {
              // A CRLF split by the offset still counts as one break, at its LF.
              if index + 1 == clamped { break }
              index += 1
            }
            line += 1
            lineStart = index + 1
          }
          index += 1
        }
      }
      cursor = (index, line, lineStart)
      let column = LineTable.column(of: clamped, lineStart: lineStart, in: bytes)
      return SourceLocation(path: path, line: line, column: column, offset: offset)
    }
    let (line, column) = lineTable.lineAndColumn(of: offset, in: bytes)
    return SourceLocation(path: path, line: line, column: column, offset: offset)
  }

  /// Length in bytes of a leading UTF-8 byte order mark, 0 or 3.
  public var byteOrderMarkLength: Int {
    bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
  }
}

/// A position as a person sees it in an editor.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  public var path: String
  /// 1-based line, counting LF, CRLF and lone CR as line breaks (not NEL, LS or PS, as libyaml does).
  public var line: Int
  /// 1-based column in Unicode scalars.
  public var column: Int
  /// 0-based byte offset into the input.
  public var offset: Int

  public init(path: String, line: Int, column: Int, offset: Int) {
    self.path = path
    self.line = line
    self.column = column
    self.offset = offset
  }

  public var description: String { "\(path):\(line):\(column)" }
}

/// Sorted start offsets of every line, for offset → line/column by binary search.
public struct LineTable: Sendable {
  /// `lineStarts[i]` is the byte offset where line `i + 1` begins.
  public let lineStarts: [Int]

  public init(_ bytes: [UInt8]) {
    var starts = [0]
    bytes.withUnsafeBufferPointer { buffer in
      let count = buffer.count
      var index = 0
      while index < count {
        let byte = buffer[index]
        // Line breaks are below 0x0E; one compare skips almost every byte.
        if byte <= 0x0D {
          if byte == 0x0A {
            starts.append(index + 1)
          } else if byte == 0x0D {
            if index + 1 < count && buffer[index + 1] == 0x0A { index += 1 }
            starts.append(index + 1)
          }
        }
        index += 1
      }
    }
    lineStarts = starts
  }

  /// 1-based line and 1-based column (in Unicode scalars) of `offset`.
  public func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
    let clamped = max(0, min(offset, bytes.count))
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
    }
    let column = Self.column(of: clamped, lineStart: lineStarts[low], in: bytes)
    return (low + 1, column)
  }

  /// 1-based column, in Unicode scalars, of `offset` on the line starting at `lineStart`.
  static func column(of offset: Int, lineStart: Int, in bytes: [UInt8]) -> Int {
    var column = 1
    var index = lineStart
    // A byte order mark is not a character an editor shows.
    if index == 0 && offset >= 3 && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB
      && bytes[2] == 0xBF
    {
      index = 3
    }
    while index < offset {
      if bytes[index] & 0xC0 != 0x80 { column += 1 }
      index += 1
    }
    // An offset inside a multi-byte character belongs to that character.
    if offset < bytes.count && bytes[offset] & 0xC0 == 0x80 && column > 1 { column -= 1 }
    return column
  }
}
