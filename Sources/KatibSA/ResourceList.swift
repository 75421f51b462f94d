public import YAMLEdit
import Glibc

/// The KRM function contract (`kpt fn eval --exec`, kustomize `--enable-exec`): a
/// `config.kubernetes.io/v1` ResourceList in, the same ResourceList out with every item fixed as a
/// file would be, `functionConfig` read for the settings, and findings added as `results`.
///
/// Only the inserted `serviceAccountName` lines and the `results` entries are new; every other
/// byte is kept.
public enum ResourceListFixer {
  static let marker = Array("ResourceList".utf8)

  /// Fixes `source` when it holds a single ResourceList document; `nil` when it holds anything
  /// else (including text that does not parse), which the caller treats as a plain stream.
  public static func fix(_ source: SourceText, options: FixOptions = FixOptions()) -> FixOutcome? {
    // Cheap test first: a Helm post-renderer stream is never parsed twice for nothing.
    guard contains(source.bytes, marker) else { return nil }
    // Keep only the first document: a long stream that merely mentions the word stays cheap.
    var first: YAMLDocument?
    var nonEmpty = 0
    do {
      try YAMLParser.parse(source, limits: options.limits) { document in
        guard document.root != nil else { return }
        nonEmpty += 1
        if nonEmpty == 1 { first = document }
      }
    } catch {
      return nil
    }
    guard nonEmpty == 1, let document = first, let root = document.root, isResourceList(root, in: document)
    else { return nil }
    return fix(root, in: document, options: options)
  }

  /// A mapping with `kind: ResourceList` and a `config.kubernetes.io/` apiVersion.
  public static func isResourceList(_ node: NodeID, in document: YAMLDocument) -> Bool {
    let resolved = document.resolved(node)
    return document.kind(of: resolved) == .mapping
      && document.string(at: ["kind"], from: resolved) == "ResourceList"
      && (document.string(at: ["apiVersion"], from: resolved) ?? "").hasPrefix("config.kubernetes.io/")
  }

  static func fix(_ root: NodeID, in document: YAMLDocument, options base: FixOptions) -> FixOutcome {
    let source = document.source
    var outcome = FixOutcome(original: source.bytes, output: source.bytes, changes: [], diagnostics: [])
    var results: [KRMResult] = []
    var edits: [TextEdit] = []

    var options = base
    if let config = document.entry("functionConfig", in: root) {
      let value = document.resolved(config.value)
      let isEmpty = document.kind(of: value) == .scalar && (document.scalar(value).map(ServiceAccountConfig.isNull) ?? false)
      if !isEmpty {
        do {
          options = try ServiceAccountConfig.apply(value, in: document, to: base)
        } catch {
          outcome.diagnostics.append(error)
          results.append(KRMResult(severity: "error", message: "functionConfig: \(error.message)"))
        }
      }
    }

    if !outcome.hasErrors, let items = document.value("items", in: root), document.kind(of: items) == .sequence {
      for item in document.items(of: items) {
        var context = FixContext(options: options, document: document)
        KatibFixer.route(item, in: document, context: &context)
        let failed = context.diagnostics.contains { $0.severity == .error }
        let resource = ResourceInfo(item, in: document)
        if !failed {
          edits += context.edits
          outcome.changes += context.changes
          for change in context.changes.sorted(by: { $0.location.offset < $1.location.offset }) {
            let what =
              change.replaced.map { "replaced serviceAccountName '\($0)' with '\(options.serviceAccount)'" }
              ?? "set serviceAccountName: \(options.serviceAccount)"
            results.append(
              resource.result(
                severity: "info", message: "\(what) (\(change.kind.rawValue))",
                field: fieldPath(change.path) + ".serviceAccountName"))
          }
        }
        let diagnostics = context.diagnostics.map(ServiceAccountConfig.configWording)
        outcome.diagnostics += diagnostics
        for diagnostic in diagnostics {
          let field = diagnostic.location.flatMap { document.path(toOffset: $0.offset, from: item) }
          var message = diagnostic.message
          if failed && diagnostic.severity == .error { message += "; this resource is left as it is" }
          for note in diagnostic.notes { message += " (\(note.message))" }
          results.append(
            resource.result(
              severity: diagnostic.severity == .note ? "info" : diagnostic.severity.rawValue, message: message,
              field: field.map(PathComponent.render)))
        }
      }
    }

    if !results.isEmpty {
      do {
        edits.append(try resultsEdit(results, root: root, in: document))
      } catch {
        outcome.diagnostics.append(error)
      }
    }
    guard !edits.isEmpty else {
      outcome.changes = []
      return outcome
    }
    do {
      outcome.output = try Splicer.apply(edits, to: source.bytes)
    } catch {
      outcome.changes = []
      outcome.output = source.bytes
      outcome.diagnostics.append(.error("internal error: \(error); the input is left as it is", at: nil))
    }
    return outcome
  }

  // MARK: Results

  /// What identifies an item in its results: its reference and the file it came from.
  struct ResourceInfo {
    var reference: [(String, String)] = []
    var filePath: String?
    var fileIndex: Int?

    init(_ item: NodeID, in document: YAMLDocument) {
      for (key, path) in [
        ("apiVersion", ["apiVersion"]), ("kind", ["kind"]), ("name", ["metadata", "name"]),
        ("namespace", ["metadata", "namespace"]),
      ] {
        if let value = document.string(at: path, from: item), !value.isEmpty { reference.append((key, value)) }
      }
      let annotations = ["metadata", "annotations"]
      filePath =
        document.string(at: annotations + ["config.kubernetes.io/path"], from: item)
        ?? document.string(at: annotations + ["internal.config.kubernetes.io/path"], from: item)
      let index =
        document.string(at: annotations + ["config.kubernetes.io/index"], from: item)
        ?? document.string(at: annotations + ["internal.config.kubernetes.io/index"], from: item)
      fileIndex = index.flatMap { Int($0) }
    }

    func result(severity: String, message: String, field: String?) -> KRMResult {
      var result = KRMResult(severity: severity, message: message)
      result.resourceRef = reference
      result.fieldPath = field
      result.filePath = filePath
      result.fileIndex = filePath == nil ? nil : fileIndex
      return result
    }
  }

  /// One entry of `results`.
  struct KRMResult {
    var severity: String
    var message: String
    var resourceRef: [(String, String)] = []
    var fieldPath: String?
    var filePath: String?
    var fileIndex: Int?

    /// Fields in output order; a value is a scalar string, an integer, or nested fields.
    enum Value {
      case string(String)
      case integer(Int)
      case fields([(String, Value)])
    }

    var fields: [(String, Value)] {
      var fields: [(String, Value)] = [("message", .string(message)), ("severity", .string(severity))]
      if !resourceRef.isEmpty { fields.append(("resourceRef", .fields(resourceRef.map { ($0, .string($1)) }))) }
      if let fieldPath { fields.append(("field", .fields([("path", .string(fieldPath))]))) }
      if let filePath {
        var file: [(String, Value)] = [("path", .string(filePath))]
        if let fileIndex { file.append(("index", .integer(fileIndex))) }
        fields.append(("file", .fields(file)))
      }
      return fields
    }

    /// Block lines of this result as a sequence item whose dash sits at `indent`.
    func blockLines(indent: Int) -> [String] {
      var lines: [String] = []
      func emit(_ fields: [(String, Value)], indent: Int) {
        for (key, value) in fields {
          let pad = String(repeating: " ", count: indent)
          switch value {
          case .string(let text): lines.append("\(pad)\(key): \(ScalarText.yaml(text))")
          case .integer(let number): lines.append("\(pad)\(key): \(number)")
          case .fields(let nested):
            lines.append("\(pad)\(key):")
            emit(nested, indent: indent + 2)
          }
        }
      }
      emit(fields, indent: indent + 2)
      let pad = String(repeating: " ", count: indent)
      lines[0] = pad + "- " + lines[0].dropFirst(indent + 2)
      return lines
    }

    /// This result as a JSON object, which is also a YAML flow mapping.
    var json: String {
      func render(_ fields: [(String, Value)]) -> String {
        "{"
          + fields.map { key, value in
            let text: String
            switch value {
            case .string(let string): text = ScalarText.doubleQuoted(string)
            case .integer(let number): text = String(number)
            case .fields(let nested): text = render(nested)
            }
            return ScalarText.doubleQuoted(key) + ": " + text
          }.joined(separator: ", ") + "}"
      }
      return render(fields)
    }
  }

  /// The edit that adds `results` to the ResourceList: appended to an existing list, or a new
  /// `results` key after the last entry of the top-level mapping.
  static func resultsEdit(_ results: [KRMResult], root: NodeID, in document: YAMLDocument) throws(Diagnostic) -> TextEdit {
    let layout = TextLayout(document.source)
    let bytes = document.source.bytes
    func problem(_ message: String, _ offset: Int) -> Diagnostic {
      .error("cannot add the results: \(message)", at: document.source.location(of: offset))
    }
    let flowList = "[" + results.map(\.json).joined(separator: ", ") + "]"

    if let existing = document.entry("results", in: root) {
      let list = existing.value
      let span = document.span(of: list)
      switch document.kind(of: list) {
      case .sequence where document.isFlow(list):
        let closing = span.end - 1
        guard closing >= 0, bytes[closing] == UInt8(ascii: "]") else {
          throw problem("the results list has no closing bracket", span.start)
        }
        let separator = document.items(of: list).isEmpty ? "" : ", "
        return .insert(separator + results.map(\.json).joined(separator: ", "), at: closing)
      case .sequence:
        let items = document.items(of: list)
        let firstStart = document.span(of: items[0]).start
        let lineStart = layout.lineStart(of: firstStart)
        let prefix = bytes[lineStart..<firstStart]
        guard let dash = prefix.firstIndex(of: UInt8(ascii: "-")),
          prefix[lineStart..<dash].allSatisfy({ $0 == 0x20 }),
          prefix[(dash + 1)...].allSatisfy({ $0 == 0x20 })
        else { throw problem("cannot tell the layout of the results list", span.start) }
        let indent = dash - lineStart
        return appendLines(results.flatMap { $0.blockLines(indent: indent) }, after: span.end, layout: layout)
      case .scalar where document.scalar(list).map(ServiceAccountConfig.isNull) == true && document.anchor(of: list) == nil:
        let range = span.valueStart..<span.end
        let needsSpace = range.lowerBound > 0 && bytes[range.lowerBound - 1] == UInt8(ascii: ":")
        return .replace(range, with: (needsSpace ? " " : "") + flowList)
      default:
        throw problem("'results' is not a list", span.start)
      }
    }

    let span = document.span(of: root)
    if document.isFlow(root) {
      let closing = span.end - 1
      guard closing >= 0, bytes[closing] == UInt8(ascii: "}") else {
        throw problem("cannot find the closing brace of the ResourceList", span.start)
      }
      guard let last = document.pairs(of: root).last else {
        return .insert("\"results\": " + flowList, at: closing)
      }
      let end = max(document.span(of: last.key).end, document.span(of: last.value).end)
      return .insert(", \"results\": " + flowList, at: end)
    }
    guard let firstKey = document.pairs(of: root).first?.key else {
      throw problem("the ResourceList is empty", span.start)
    }
    let indent = layout.column(of: document.span(of: firstKey).start)
    let pad = String(repeating: " ", count: indent)
    let lines = ["\(pad)results:"] + results.flatMap { $0.blockLines(indent: indent) }
    return appendLines(lines, after: span.end, layout: layout)
  }

  /// Inserts whole lines after the line holding the end of a node (after a trailing comment).
  static func appendLines(_ lines: [String], after end: Int, layout: TextLayout) -> TextEdit {
    let bytes = layout.bytes
    if end > 0, end <= bytes.count, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D {
      // A block scalar's span takes in its line break: insert on the next line.
      let eol = layout.lineEnding(forLineAt: end)
      return .insert(lines.map { $0 + eol }.joined(), at: end)
    }
    let at = layout.lineBreak(after: end)
    let eol = layout.lineBreak(at: at) ?? layout.lineEnding(forLineAt: layout.lineStart(of: at))
    return .insert(lines.map { eol + $0 }.joined(), at: at)
  }

  /// A change's path as a field path: the names shown after list indexes, as in
  /// `runtime.suggestions[0](random)`, are dropped.
  static func fieldPath(_ path: String) -> String {
    var out = ""
    var depth = 0
    for character in path {
      if character == "(" { depth += 1 }
      if depth == 0 { out.append(character) }
      if character == ")" && depth > 0 { depth -= 1 }
    }
    return out
  }

  static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
    guard let first = needle.first, bytes.count >= needle.count else { return false }
    // memchr finds candidates for the first byte far faster than a byte-by-byte loop.
    return bytes.withUnsafeBufferPointer { haystack in
      needle.withUnsafeBufferPointer { pattern in
        let base = haystack.baseAddress!
        let last = haystack.count - pattern.count
        var index = 0
        while index <= last {
          guard let hit = memchr(base + index, Int32(first), last - index + 1) else { return false }
          index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
          if memcmp(base + index, pattern.baseAddress!, pattern.count) == 0 { return true }
          index += 1
        }
        return false
      }
    }
  }
}
