import YAMLEdit

/// Collects the edits, changes and diagnostics of one document (or of text embedded in one),
/// translating inner positions to the file's.
struct FixContext {
  let options: FixOptions
  let documentIndex: Int
  /// Maps an offset of the document being walked to a location in the file.
  let locate: (Int) -> SourceLocation
  /// Maps an edit of the document being walked to an edit of the file.
  let transform: (TextEdit) -> TextEdit
  var edits: [TextEdit] = []
  var changes: [Change] = []
  var diagnostics: [Diagnostic] = []
  /// Mappings already given the account: an alias can reach the same mapping twice, and a second
  /// insertion would write the key twice. Node ids are per document, and a context for embedded
  /// text sees every document of that text, so the document's index is part of the key.
  private var claimed = Set<ClaimedNode>()

  private struct ClaimedNode: Hashable {
    var document: Int
    var node: NodeID
  }

  init(options: FixOptions, document: YAMLDocument) {
    self.options = options
    documentIndex = document.index
    let source = document.source
    locate = { source.location(of: $0) }
    transform = { $0 }
  }

  /// A context for text embedded in the file, whose results are merged back with ``absorb(_:)``.
  init(embedded text: EmbeddedText, parent: FixContext) {
    options = parent.options
    documentIndex = parent.documentIndex
    locate = { text.outerLocation(of: $0) }
    transform = { text.outerEdit($0) }
  }

  /// Whether `node` (already resolved) of `document` is edited for the first time; later calls
  /// return false.
  mutating func claim(_ node: NodeID, of document: YAMLDocument) -> Bool {
    claimed.insert(ClaimedNode(document: document.index, node: node)).inserted
  }

  /// Opens the text held in a scalar (JSON or YAML in a ConfigMap value), or warns that it cannot
  /// be edited in place and returns nil.
  mutating func openEmbedded(_ node: NodeID, of document: YAMLDocument, path: String, consequence: String)
    -> EmbeddedText?
  {
    do {
      return try EmbeddedText(scalar: node, of: document, innerPath: document.source.path)
    } catch {
      warn("\(path): \(error.message); \(consequence)", at: document.span(of: node).start)
      return nil
    }
  }

  /// Parses embedded text and hands each of its documents to `body` with a context whose edits
  /// and locations are translated to the file. On a parse error nothing is kept, and the error's
  /// message and file offset are returned for the caller to report at the severity it chooses.
  mutating func forEachEmbeddedDocument(
    in text: EmbeddedText, _ body: (YAMLDocument, inout FixContext) -> Void
  ) -> (message: String, offset: Int)? {
    var inner = FixContext(embedded: text, parent: self)
    do {
      try YAMLParser.parse(text.inner, limits: options.limits) { body($0, &inner) }
    } catch {
      return (error.message, text.outerOffset(of: error.location?.offset ?? 0))
    }
    absorb(inner)
    return nil
  }

  mutating func absorb(_ inner: FixContext) {
    edits += inner.edits
    changes += inner.changes
    diagnostics += inner.diagnostics
  }

  mutating func warn(_ message: String, at offset: Int) {
    diagnostics.append(.warning(message, at: locate(offset)))
  }

  mutating func note(_ message: String, at offset: Int) {
    diagnostics.append(.note(message, at: locate(offset)))
  }

  mutating func error(_ message: String, at offset: Int) {
    diagnostics.append(.error(message, at: locate(offset)))
  }

  /// Gives `mapping` the key `field` with the requested account: nothing when it already has it,
  /// a warning when it has another one (replaced with `--force`).
  mutating func setServiceAccount(
    field: String = "serviceAccountName", in mapping: NodeID, of document: YAMLDocument,
    kind: ChangeKind, path: String, editor: MappingEditor
  ) {
    let wanted = options.serviceAccount
    let target = document.resolved(mapping)
    guard claim(target, of: document) else { return }
    let start = document.span(of: target).start
    guard document.kind(of: target) == .mapping else {
      warn("\(path) is not a mapping; no \(field) added", at: document.span(of: mapping).start)
      return
    }
    if document.entry("<<", in: target) != nil {
      warn("\(path) uses a merge key (<<); set \(field) by hand", at: start)
      return
    }
    if let existing = document.entry(field, in: target) {
      let value = document.resolved(existing.value)
      let current = document.scalar(value)
      if current == wanted { return }
      let shown = current.map { "'\($0)'" } ?? "a non-string value"
      guard options.force, current != nil, document.kind(of: existing.value) == .scalar else {
        warn(
          "\(path).\(field) is \(shown), not '\(wanted)'; kept it"
            + (options.force ? " (it cannot be replaced in place)" : " (use --force to replace it)"),
          at: document.span(of: existing.value).start)
        return
      }
      do {
        edits.append(transform(try editor.replaceScalar(value, with: wanted)))
        changes.append(
          Change(
            kind: kind, documentIndex: documentIndex, path: path,
            location: locate(document.span(of: value).start), replaced: current))
      } catch {
        warn("\(path).\(field): \(error.message)", at: error.offset)
      }
      return
    }
    do {
      let edit = try editor.insert(InsertedEntry(field, .string(wanted)), into: target)
      edits.append(transform(edit))
      changes.append(
        Change(kind: kind, documentIndex: documentIndex, path: path, location: locate(start), replaced: nil))
    } catch {
      warn("\(path): \(error.message); no \(field) added", at: error.offset)
    }
  }
}
