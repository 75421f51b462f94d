import YAMLEdit

/// katib-config in its three shapes: the old JSON string, the new KatibConfig embedded in a
/// ConfigMap, and the bare KatibConfig file.
enum KatibConfigRule {
  static let newFormatKey = "katib-config.yaml"

  /// A ConfigMap named `katib-config`.
  static func applyToConfigMap(_ configMap: NodeID, in document: YAMLDocument, context: inout FixContext) {
    guard let data = document.value("data", in: configMap), document.kind(of: data) == .mapping else { return }
    if let suggestion = document.entry("suggestion", in: data) {
      applyOldFormat(suggestion.value, in: document, context: &context)
    }
    if let embedded = document.entry(newFormatKey, in: data) {
      applyEmbeddedKatibConfig(embedded.value, in: document, context: &context)
    }
  }

  /// Katib ≤ 0.15: `data.suggestion` is a JSON object keyed by algorithm name.
  static func applyOldFormat(_ node: NodeID, in document: YAMLDocument, context: inout FixContext) {
    let path = "data.suggestion"
    guard let text = context.openEmbedded(node, of: document, path: path, consequence: "nothing added") else { return }
    do {
      try JSONValidator.validate(text.inner.bytes)
    } catch {
      context.diagnostics.append(
        .error("\(path) is not valid JSON: \(error.message)", at: text.outerLocation(of: error.offset)))
      return
    }
    let failure = context.forEachEmbeddedDocument(in: text) { inner, innerContext in
      guard let root = inner.root, inner.kind(of: root) == .mapping else {
        innerContext.warn("\(path) is not a JSON object; nothing added", at: 0)
        return
      }
      let editor = MappingEditor(document: inner)
      for (key, value) in inner.pairs(of: root) {
        let name = inner.scalar(key) ?? "?"
        innerContext.setServiceAccount(
          in: value, of: inner, kind: .suggestionAlgorithm, path: "\(path).\(name)", editor: editor)
      }
    }
    if let failure {
      context.error("\(path) could not be read: \(failure.message)", at: failure.offset)
    }
  }

  /// Katib ≥ 0.16 inside a ConfigMap: `data["katib-config.yaml"]` holds a KatibConfig document.
  static func applyEmbeddedKatibConfig(_ node: NodeID, in document: YAMLDocument, context: inout FixContext) {
    let path = "data[\(newFormatKey)]"
    guard let text = context.openEmbedded(node, of: document, path: path, consequence: "nothing added") else { return }
    let failure = context.forEachEmbeddedDocument(in: text) { inner, innerContext in
      guard let root = inner.root else { return }
      applyToKatibConfig(root, in: inner, pathPrefix: "\(path).", context: &innerContext)
    }
    if let failure {
      context.error("\(path) is not valid YAML: \(failure.message)", at: failure.offset)
    }
  }

  /// A KatibConfig mapping: every `runtime.suggestions[]` item gets the account.
  static func applyToKatibConfig(
    _ root: NodeID, in document: YAMLDocument, pathPrefix: String = "", context: inout FixContext
  ) {
    guard document.kind(of: document.resolved(root)) == .mapping,
      let suggestions = document.value(at: ["runtime", "suggestions"], from: root)
    else { return }
    guard document.kind(of: suggestions) == .sequence else {
      context.warn("\(pathPrefix)runtime.suggestions is not a list; nothing added", at: document.span(of: suggestions).start)
      return
    }
    let editor = MappingEditor(document: document)
    for (index, item) in document.items(of: suggestions).enumerated() {
      let name = document.string(at: ["algorithmName"], from: item).map { "(\($0))" } ?? ""
      context.setServiceAccount(
        in: item, of: document, kind: .suggestionAlgorithm,
        path: "\(pathPrefix)runtime.suggestions[\(index)]\(name)", editor: editor)
    }
  }
}
