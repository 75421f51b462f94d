/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable, Codable {
  case error, warning, note
}

/// The one error and message type of the library: a located, human-readable finding.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
  public var severity: Severity
  public var message: String
  /// Where it applies; `nil` for problems with no position (an unreadable file).
  public var location: SourceLocation?
  /// Further located remarks printed after the diagnostic ("the first key is here").
  public var notes: [Diagnostic]

  public init(
    _ severity: Severity, _ message: String, at location: SourceLocation?,
    notes: [Diagnostic] = []
  ) {
    self.severity = severity
    self.message = message
    self.location = location
    self.notes = notes
  }

  public static func error(_ message: String, at location: SourceLocation?, notes: [Diagnostic] = [])
    -> Diagnostic
  { Diagnostic(.error, message, at: location, notes: notes) }

  public static func warning(_ message: String, at location: SourceLocation?) -> Diagnostic {
    Diagnostic(.warning, message, at: location)
  }

  public static func note(_ message: String, at location: SourceLocation?) -> Diagnostic {
    Diagnostic(.note, message, at: location)
  }

  /// `path:line:column: severity: message`, then one such line for each note.
  public var description: String {
    var lines = [Self.headline(severity, message, location)]
    for note in notes { lines.append(Self.headline(note.severity, note.message, note.location)) }
    return lines.joined(separator: "\n")
  }

  private static func headline(_ severity: Severity, _ message: String, _ location: SourceLocation?)
    -> String
  {
    let place = location.map { "\($0)" } ?? "katib-sa"
    return "\(place): \(severity.rawValue): \(sanitized(message))"
  }

  /// Messages may quote input; control characters and invalid text never reach the terminal raw.
  static func sanitized(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x09, 0x20...0x7E: out.unicodeScalars.append(scalar)
      case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0xFFFD:
        out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
