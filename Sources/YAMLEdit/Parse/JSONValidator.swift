/// Checks that bytes are one strict JSON value (RFC 8259), reporting the offset of the first
/// offending byte. YAML's flow syntax accepts more than JSON, so the tree reader alone cannot say
/// whether a string that must be JSON still is.
public enum JSONValidator {
  public struct Problem: Error, Sendable, Equatable {
    public let offset: Int
    public let message: String
  }

  private enum Container { case object, array }
  private enum Expect { case value, valueOrClose, keyOrClose, key, colon, commaOrClose, end }

  public static func validate(_ bytes: [UInt8], maxDepth: Int = 1000) throws(Problem) {
    var stack: [Container] = []
    var expect = Expect.value
    var index = 0
    var lastComma = 0
    func fail(_ message: String) -> Problem { Problem(offset: index, message: message) }
    func describe() -> String {
      guard index < bytes.count else { return "unexpected end of JSON" }
      let byte = bytes[index]
      return byte >= 0x21 && byte < 0x7F
        ? "unexpected character '\(Character(Unicode.Scalar(byte)))' in JSON" : "unexpected byte in JSON"
    }
    while true {
      while index < bytes.count && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
      if expect == .end {
        if index < bytes.count { throw fail("unexpected text after the JSON value") }
        return
      }
      guard index < bytes.count else { throw fail("unexpected end of JSON") }
      let byte = bytes[index]
      switch expect {
      case .colon:
        guard byte == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
        index += 1
        expect = .value
        continue
      case .commaOrClose:
        let container = stack.last!
        if byte == UInt8(ascii: ",") {
          lastComma = index
          index += 1
          expect = container == .object ? .key : .value
          continue
        }
        if (container == .object && byte == UInt8(ascii: "}")) || (container == .array && byte == UInt8(ascii: "]")) {
          index += 1
          stack.removeLast()
          expect = stack.isEmpty ? .end : .commaOrClose
          continue
        }
        throw fail(container == .object ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
      case .key, .keyOrClose:
        if expect == .keyOrClose && byte == UInt8(ascii: "}") {
          index += 1
          stack.removeLast()
          expect = stack.isEmpty ? .end : .commaOrClose
          continue
        }
        guard byte == UInt8(ascii: "\"") else {
          if expect == .key && byte == UInt8(ascii: "}") {
            throw Problem(offset: lastComma, message: "trailing comma in an object")
          }
          throw fail("expected a double-quoted key")
        }
        try scanString(bytes, &index)
        expect = .colon
        continue
      case .value, .valueOrClose:
        if expect == .valueOrClose && byte == UInt8(ascii: "]") {
          index += 1
          stack.removeLast()
          expect = stack.isEmpty ? .end : .commaOrClose
          continue
        }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          if stack.count >= maxDepth { throw fail("JSON nested too deeply") }
          stack.append(byte == UInt8(ascii: "{") ? .object : .array)
          index += 1
          expect = byte == UInt8(ascii: "{") ? .keyOrClose : .valueOrClose
          continue
        case UInt8(ascii: "\""):
          try scanString(bytes, &index)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
          try scanNumber(bytes, &index)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
          let word: [UInt8] = byte == UInt8(ascii: "t") ? Array("true".utf8) : byte == UInt8(ascii: "f") ? Array("false".utf8) : Array("null".utf8)
          guard index + word.count <= bytes.count, Array(bytes[index..<index + word.count]) == word else {
            throw fail(describe())
          }
          index += word.count
        default:
          if byte == UInt8(ascii: "]") && expect == .value && !stack.isEmpty {
            throw Problem(offset: lastComma, message: "trailing comma in an array")
          }
          throw fail(describe())
        }
        expect = stack.isEmpty ? .end : .commaOrClose
      case .end:
        return
      }
    }
  }

  private static func scanString(_ bytes: [UInt8], _ index: inout Int) throws(Problem) {
    index += 1
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return
      }
      if byte < 0x20 { throw Problem(offset: index, message: "control character in a JSON string") }
      if byte == UInt8(ascii: "\\") {
        guard index + 1 < bytes.count else { break }
        let escape = bytes[index + 1]
        if escape == UInt8(ascii: "u") {
          guard index + 6 <= bytes.count,
            bytes[(index + 2)..<(index + 6)].allSatisfy({ isHexDigit($0) })
          else { throw Problem(offset: index, message: "invalid \\u escape in a JSON string") }
          index += 6
          continue
        }
        guard "\"\\/bfnrt".utf8.contains(escape) else {
          throw Problem(offset: index, message: "invalid escape in a JSON string")
        }
        index += 2
        continue
      }
      index += 1
    }
    throw Problem(offset: index, message: "unterminated JSON string")
  }

  private static func scanNumber(_ bytes: [UInt8], _ index: inout Int) throws(Problem) {
    func digits() -> Int {
      let start = index
      while index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 { index += 1 }
      return index - start
    }
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    let intStart = index
    let count = digits()
    if count == 0 { throw Problem(offset: index, message: "invalid number in JSON") }
    if count > 1 && bytes[intStart] == UInt8(ascii: "0") {
      throw Problem(offset: intStart, message: "leading zero in a JSON number")
    }
    if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
      index += 1
      if digits() == 0 { throw Problem(offset: index, message: "invalid number in JSON") }
    }
    if index < bytes.count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
      index += 1
      if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
      if digits() == 0 { throw Problem(offset: index, message: "invalid number in JSON") }
    }
  }

  private static func isHexDigit(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66)
  }
}
