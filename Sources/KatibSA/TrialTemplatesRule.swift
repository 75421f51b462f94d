import YAMLEdit

/// ConfigMaps that store trialSpecs as YAML strings, referenced by `trialTemplate.configMap`.
enum TrialTemplatesRule {
  static func isTrialTemplates(_ configMap: NodeID, in document: YAMLDocument) -> Bool {
    let name = document.string(at: ["metadata", "name"], from: configMap)
    if name == "trial-templates" || name == "trial-template" { return true }
    let labels = ["metadata", "labels"]
    return document.string(at: labels + ["katib.kubeflow.org/component"], from: configMap) == "trial-templates"
      || document.string(at: labels + ["app"], from: configMap) == "katib-trial-templates"
  }

  /// Every data value holding a trialSpec gets the treatment of an inline trialSpec. A value that
  /// is not valid YAML is reported as a warning and left as it is; the other values are still fixed.
  static func apply(to configMap: NodeID, in document: YAMLDocument, context: inout FixContext) {
    guard let data = document.value("data", in: configMap), document.kind(of: data) == .mapping else { return }
    for (key, value) in document.pairs(of: data) {
      let name = document.scalar(key) ?? "?"
      let path = "data.\(name)"
      guard document.kind(of: value) == .scalar, let string = document.scalar(value),
        string.contains("apiVersion") && string.contains("kind")
      else { continue }
      let consequence = "this template is left as it is"
      guard let text = context.openEmbedded(value, of: document, path: path, consequence: consequence) else {
        continue
      }
      let failure = context.forEachEmbeddedDocument(in: text) { inner, innerContext in
        guard let root = inner.root, inner.kind(of: root) == .mapping,
          inner.value("apiVersion", in: root) != nil, inner.value("kind", in: root) != nil
        else { return }
        TrialSpecRule.apply(to: root, path: "data[\(name)]", in: inner, context: &innerContext)
      }
      // Katib cannot use such a template either; the file's other templates are still fixed.
      if let failure {
        context.warn(
          "\(path) is not valid YAML (\(failure.message)); \(consequence), and Katib cannot use it either",
          at: failure.offset)
      }
    }
  }
}
