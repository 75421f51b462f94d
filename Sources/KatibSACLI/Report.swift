import Glibc
import KatibSA
import YAMLEdit

/// Machine-readable report formats (`--report`).
public enum ReportFormat: String, Sendable {
  case json
}

/// One input's entry in the report.
struct ReportEntry {
  enum Status: String {
    /// The file's bytes changed (with `--check` or `--diff`: would change).
    case changed
    case unchanged
    /// It could not be read, parsed, fixed or written; nothing was written to it.
    case error
    /// Not processed (a symbolic link or special file met in a directory walk, …).
    case skipped
  }

  var path: String
  var status: Status
  var changes: [Change] = []
  var diagnostics: [Diagnostic] = []
}

extension Session {
  var recordsReport: Bool { options.report != nil }

  /// The streams for the human output: with `--report json` and no `--report-file`, standard
  /// error carries the JSON document alone, so the human messages are left out.
  static func humanStreams(options: Options, streams: StandardStreams) -> StandardStreams {
    guard options.report != nil, options.reportFile == nil else { return streams }
    var quiet = streams
    quiet.writeError = { _ in }
    quiet.errorIsTerminal = false
    return quiet
  }

  /// Records a processed input.
  mutating func record(path: String, outcome: FixOutcome) {
    guard recordsReport else { return }
    let status: ReportEntry.Status = outcome.hasErrors ? .error : outcome.isChanged ? .changed : .unchanged
    reportEntries.append(
      ReportEntry(
        path: path, status: status, changes: outcome.hasErrors ? [] : outcome.changes,
        diagnostics: outcome.diagnostics))
  }

  /// Records an input that failed or was skipped before it could be processed.
  mutating func record(_ diagnostic: Diagnostic, status: ReportEntry.Status, path: String? = nil) {
    guard recordsReport else { return }
    reportEntries.append(
      ReportEntry(path: path ?? diagnostic.location?.path ?? "", status: status, diagnostics: [diagnostic]))
  }

  /// Marks an entry as failed after the fact (its write failed).
  mutating func recordFailure(entry index: Int?, _ diagnostic: Diagnostic) {
    guard let index, reportEntries.indices.contains(index) else { return }
    reportEntries[index].status = .error
    reportEntries[index].changes = []
    reportEntries[index].diagnostics.append(diagnostic)
  }

  /// Writes the report, if one was asked for, and returns the final exit status.
  func writeReport(to streams: StandardStreams) -> CLI.ExitStatus {
    var status = exitStatus
    guard options.report == .json else { return status }
    let document = Array(ReportJSON.render(session: self, exitStatus: status).utf8)
    guard let file = options.reportFile else {
      streams.writeError(document)
      return status
    }
    let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    var problem: String?
    if fd < 0 {
      problem = String(cString: strerror(errno))
    } else {
      do {
        try FileIO.writeAll(fd: fd, document)
      } catch {
        problem = error.message
      }
      if close(fd) != 0 && problem == nil { problem = String(cString: strerror(errno)) }
    }
    if let problem {
      streams.writeError(Array("katib-sa: error: cannot write the report to \(file): \(problem)\n".utf8))
      status = .inputFailed
    }
    return status
  }
}

/// The JSON document of `--report json`; its schema is in the README.
enum ReportJSON {
  static let schemaVersion = 1

  static func render(session: Session, exitStatus: CLI.ExitStatus) -> String {
    let entries = session.reportEntries
    let mode: String
    switch session.options.mode {
    case .fix: mode = "fix"
    case .check: mode = "check"
    case .diff: mode = session.options.checkToo ? "diff+check" : "diff"
    }
    func count(_ status: ReportEntry.Status) -> Int { entries.lazy.filter { $0.status == status }.count }
    let changes = entries.flatMap(\.changes)
    var out = "{\n"
    out += "  \"version\": \(schemaVersion),\n"
    out += "  \"tool\": \(string(Options.version)),\n"
    out += "  \"mode\": \(string(mode)),\n"
    out += "  \"serviceAccount\": \(string(session.options.fix.serviceAccount)),\n"
    out += "  \"force\": \(session.options.fix.force),\n"
    out += "  \"exitStatus\": \(exitStatus.rawValue),\n"
    out += "  \"summary\": {"
    out += "\"files\": \(entries.count), \"changed\": \(count(.changed)), \"unchanged\": \(count(.unchanged)), "
    out += "\"error\": \(count(.error)), \"skipped\": \(count(.skipped)), "
    out += "\"podTemplates\": \(changes.lazy.filter { $0.kind == .podTemplate }.count), "
    out += "\"suggestionAlgorithms\": \(changes.lazy.filter { $0.kind == .suggestionAlgorithm }.count)},\n"
    out += "  \"files\": ["
    for (index, entry) in entries.enumerated() {
      out += index == 0 ? "\n" : ",\n"
      out += "    {\"path\": \(string(entry.path)), \"status\": \(string(entry.status.rawValue)),\n"
      out += "     \"changes\": [" + entry.changes.map(change).joined(separator: ", ") + "],\n"
      out += "     \"diagnostics\": [" + entry.diagnostics.map(diagnostic).joined(separator: ", ") + "]}"
    }
    out += entries.isEmpty ? "]\n" : "\n  ]\n"
    out += "}\n"
    return out
  }

  static func change(_ change: Change) -> String {
    var fields = [
      "\"kind\": \(string(change.kind.rawValue))",
      "\"document\": \(change.documentIndex)",
      "\"path\": \(string(change.path))",
      "\"line\": \(change.location.line)",
      "\"column\": \(change.location.column)",
    ]
    if let replaced = change.replaced { fields.append("\"replaced\": \(string(replaced))") }
    return "{" + fields.joined(separator: ", ") + "}"
  }

  static func diagnostic(_ diagnostic: Diagnostic) -> String {
    var fields = [
      "\"severity\": \(string(diagnostic.severity.rawValue))",
      "\"message\": \(string(diagnostic.message))",
    ]
    if let location = diagnostic.location {
      fields.append("\"file\": \(string(location.path))")
      fields.append("\"line\": \(location.line)")
      fields.append("\"column\": \(location.column)")
    } else {
      fields.append("\"file\": null, \"line\": null, \"column\": null")
    }
    if !diagnostic.notes.isEmpty {
      fields.append("\"notes\": [" + diagnostic.notes.map(Self.diagnostic).joined(separator: ", ") + "]")
    }
    return "{" + fields.joined(separator: ", ") + "}"
  }

  /// A JSON string literal. Swift strings are valid Unicode, so only quotes, backslashes and
  /// control characters need escaping.
  static func string(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
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
}
