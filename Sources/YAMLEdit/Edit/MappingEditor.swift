/// A value to insert: a string scalar, or a nested mapping of further entries.
public indirect enum InsertedValue: Sendable, Hashable {
  case string(String)
  case mapping([InsertedEntry])
}

/// One `key: value` entry to insert.
public struct InsertedEntry: Sendable, Hashable {
  public var key: String
  public var value: InsertedValue
  public init(_ key: String, _ value: InsertedValue) {
    self.key = key
    self.value = value
  }
}

/// Computes the text edits that add an entry to a mapping or replace a scalar, matching the
/// layout around them: block or flow, YAML or JSON quoting, indentation, line endings.
public struct MappingEditor {
  public let document: YAMLDocument
  let layout: TextLayout
  var bytes: [UInt8] { layout.bytes }

  public init(document: YAMLDocument) {
    self.document = document
    layout = TextLayout(document.source)
  }

  /// Why an edit cannot be made; the caller turns it into a warning.
  public struct Refusal: Error, Sendable {
    public let message: String
    public let offset: Int
  }

  /// An edit that adds `entry` to `mapping` as its first entry (block) or in its braces (flow).
  public func insert(_ entry: InsertedEntry, into mapping: NodeID) throws(Refusal) -> TextEdit {
    if document.isFlow(mapping) { return try insertFlow(entry, into: mapping) }
    return try insertBlock(entry, into: mapping)
  }

  /// An edit that replaces a scalar's value, keeping its quoting style.
  public func replaceScalar(_ node: NodeID, with value: String) throws(Refusal) -> TextEdit {
    let span = document.span(of: node)
    let text: String
    switch document.scalarStyle(of: node) {
    case .doubleQuoted: text = ScalarText.doubleQuoted(value)
    case .singleQuoted: text = ScalarText.singleQuoted(value)
    case .plain: text = ScalarText.yaml(value)
    case .literal, .folded:
      throw Refusal(message: "cannot replace a block scalar", offset: span.start)
    }
    return .replace(span.valueStart..<span.end, with: text)
  }

  // MARK: Block mappings

  private func insertBlock(_ entry: InsertedEntry, into mapping: NodeID) throws(Refusal) -> TextEdit {
    let pairs = document.pairs(of: mapping)
    guard let first = pairs.first else {
      throw Refusal(message: "empty block mapping", offset: document.span(of: mapping).start)
    }
    // A key that is itself a collection (`? - a`) has no line of its own to copy the layout from.
    guard document.kind(of: first.key) == .scalar || document.kind(of: first.key) == .alias else {
      throw Refusal(
        message: "the first key of this mapping is not a plain key", offset: document.span(of: mapping).start)
    }
    let keyStart = document.span(of: first.key).start
    let step = indentStep(of: mapping)
    // `?` on a line of its own and the key below it: a line put above the key would split them.
    if layout.isFirstOnLine(keyStart) && followsExplicitKeyIndicator(keyStart) {
      throw Refusal(
        message: "the first key of this mapping is written with '?'", offset: document.span(of: mapping).start)
    }
    if layout.isFirstOnLine(keyStart) {
      let keyLine = layout.lineStart(of: keyStart)
      let indent = keyStart - keyLine
      let at = layout.startOfAttachedComments(aboveLineAt: keyLine)
      let eol = layout.lineEnding(forLineAt: at)
      let lines = Self.blockLines(entry, indent: indent, step: step)
      return .insert(lines.map { $0 + eol }.joined(), at: at)
    }
    // The first key shares its line (`- name: x`): the new entry goes second, before the line of
    // the next key, or after the last entry when there is no such line.
    if pairs.count > 1, layout.isFirstOnLine(document.span(of: pairs[1].key).start),
      !followsExplicitKeyIndicator(document.span(of: pairs[1].key).start)
    {
      let secondStart = document.span(of: pairs[1].key).start
      let secondLine = layout.lineStart(of: secondStart)
      let at = layout.startOfAttachedComments(aboveLineAt: secondLine)
      let eol = layout.lineEnding(forLineAt: at)
      let lines = Self.blockLines(entry, indent: secondStart - secondLine, step: step)
      return .insert(lines.map { $0 + eol }.joined(), at: at)
    }
    let keyLine = layout.lineStart(of: keyStart)
    let prefix = bytes[keyLine..<keyStart]
    guard prefix.allSatisfy({ $0 == 0x20 || $0 == UInt8(ascii: "-") }) else {
      throw Refusal(
        message: "cannot tell the indentation of this mapping", offset: document.span(of: mapping).start)
    }
    let indent = prefix.count
    let at = endOfLastEntryLine(pairs.last!)
    // After the last entry, the rest of the line must be a line to libyaml too: a NEL, LS or PS
    // there (in a plain scalar or a comment) starts a line that libyaml reads as more content.
    let lastEnd = max(document.span(of: pairs.last!.value).end, document.span(of: pairs.last!.key).end)
    if layout.hasUnicodeLineBreak(in: min(lastEnd, at)..<at) {
      throw Refusal(
        message: "a NEL, LS or PS character ends a line here for YAML but not for editors; "
          + "cannot tell where a new line would go", offset: document.span(of: mapping).start)
    }
    let eol = layout.lineBreak(at: at) ?? layout.lineEnding(forLineAt: layout.lineStart(of: at))
    let lines = Self.blockLines(entry, indent: indent, step: step)
    return .insert(lines.map { eol + $0 }.joined(), at: at)
  }

  /// Whether only blanks and line breaks stand between a `?` and `offset`.
  private func followsExplicitKeyIndicator(_ offset: Int) -> Bool {
    var index = offset - 1
    while index >= 0 && (bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D) {
      index -= 1
    }
    return index >= 0 && bytes[index] == UInt8(ascii: "?")
  }

  /// The offset of the line break after the last line of an entry (after a trailing comment).
  private func endOfLastEntryLine(_ pair: (key: NodeID, value: NodeID)) -> Int {
    let keySpan = document.span(of: pair.key)
    var end = max(document.span(of: pair.value).end, keySpan.end)
    while end > keySpan.end && isBlankOrBreak(bytes[end - 1]) { end -= 1 }
    return layout.lineBreak(after: end)
  }

  /// How far this file indents a nested block mapping, from the first one found inside
  /// `mapping` (2 when there is none).
  func indentStep(of mapping: NodeID) -> Int {
    for (key, value) in document.pairs(of: mapping) {
      let nested = document.resolved(value)
      guard document.kind(of: nested) == .mapping, !document.isFlow(nested),
        let child = document.pairs(of: nested).first?.key
      else { continue }
      let outer = layout.column(of: document.span(of: key).start)
      let inner = layout.column(of: document.span(of: child).start)
      if inner > outer && layout.isFirstOnLine(document.span(of: child).start) { return inner - outer }
    }
    return 2
  }

  static func blockLines(_ entry: InsertedEntry, indent: Int, step: Int) -> [String] {
    let pad = String(repeating: " ", count: indent)
    switch entry.value {
    case .string(let value):
      return ["\(pad)\(ScalarText.yaml(entry.key)): \(ScalarText.yaml(value))"]
    case .mapping(let entries):
      return ["\(pad)\(ScalarText.yaml(entry.key)):"]
        + entries.flatMap { blockLines($0, indent: indent + step, step: step) }
    }
  }

  // MARK: Flow mappings and JSON

  private func insertFlow(_ entry: InsertedEntry, into mapping: NodeID) throws(Refusal) -> TextEdit {
    let span = document.span(of: mapping)
    let pairs = document.pairs(of: mapping)
    let closing = span.end - 1
    guard closing >= span.valueStart, bytes[closing] == UInt8(ascii: "}") else {
      throw Refusal(message: "cannot find the closing brace of this mapping", offset: span.start)
    }
    let json = usesJSONQuoting(mapping)
    guard let first = pairs.first else {
      return .insert(Self.flowText(entry, json: json, compact: false), at: closing)
    }
    let firstKeyStart = document.span(of: first.key).start
    let compact = !hasSpaceAfterColon(first.key)
    let opensOwnLine = layout.lineStart(of: firstKeyStart) > span.valueStart
    if opensOwnLine && layout.isFirstOnLine(firstKeyStart) && !followsExplicitKeyIndicator(firstKeyStart) {
      let keyLine = layout.lineStart(of: firstKeyStart)
      let at = layout.startOfAttachedComments(aboveLineAt: keyLine)
      let pad = String(repeating: " ", count: firstKeyStart - keyLine)
      let text = pad + Self.flowText(entry, json: json, compact: compact) + ","
      return .insert(text + layout.lineEnding(forLineAt: at), at: at)
    }
    let last = pairs.last!
    let end = max(document.span(of: last.value).end, document.span(of: last.key).end)
    let separator = compact ? "," : ", "
    return .insert(separator + Self.flowText(entry, json: json, compact: compact), at: end)
  }

  /// A mapping is JSON-quoted when its first key is double-quoted, or, when empty, when the
  /// nearest enclosing mapping's first key is.
  func usesJSONQuoting(_ mapping: NodeID) -> Bool {
    if let first = document.pairs(of: mapping).first?.key {
      return document.scalarStyle(of: first) == .doubleQuoted
    }
    return document.root.map { root in
      document.kind(of: root) == .mapping
        && document.pairs(of: root).first.map { document.scalarStyle(of: $0.key) == .doubleQuoted }
          == true
    } ?? false
  }

  private func hasSpaceAfterColon(_ key: NodeID) -> Bool {
    var index = document.span(of: key).end
    while index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return true }
    return index + 1 < bytes.count && isBlankOrBreak(bytes[index + 1])
  }

  static func flowText(_ entry: InsertedEntry, json: Bool, compact: Bool) -> String {
    let key = json ? ScalarText.doubleQuoted(entry.key) : ScalarText.yaml(entry.key)
    // `key:value` is one plain scalar in YAML; only a quoted (JSON) key may touch its colon.
    let colon = compact && json ? ":" : ": "
    switch entry.value {
    case .string(let value):
      return key + colon + (json ? ScalarText.doubleQuoted(value) : ScalarText.yaml(value))
    case .mapping(let entries):
      let inner = entries.map { flowText($0, json: json, compact: compact) }
      return key + colon + "{" + inner.joined(separator: compact ? "," : ", ") + "}"
    }
  }
}

/// Renders strings as YAML or JSON scalars.
public enum ScalarText {
  /// Plain when that reads back as the same string, double-quoted otherwise.
  public static func yaml(_ value: String) -> String {
    isSafePlain(value) ? value : doubleQuoted(value)
  }

  /// YAML 1.1 (which Kubernetes' decoder follows) reads these as booleans or null.
  static let reservedWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]

  static func isSafePlain(_ value: String) -> Bool {
    func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    guard let first = value.utf8.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
    let allowed = value.utf8.allSatisfy { byte in
      isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "/")
    }
    return allowed && !reservedWords.contains(value.lowercased())
  }

  /// A double-quoted scalar, valid as both YAML and JSON (LS and PS escaped too, since some JSON
  /// consumers and libyaml treat them as line breaks).
  public static func doubleQuoted(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  public static func singleQuoted(_ value: String) -> String {
    "'" + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
  }
}
