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
      let text: EmbeddedText
      do {
        text = try EmbeddedText(scalar: value, of: document, innerPath: document.source.path)
      } catch {
        context.warn("\(path): \(error.message); this template is left as it is", at: document.span(of: value).start)
        continue
      }
      var innerContext = FixContext(embedded: text, parent: context)
      do {
        try YAMLParser.parse(text.inner, limits: context.options.limits) { inner in
          guard let root = inner.root, inner.kind(of: root) == .mapping,
            inner.value("apiVersion", in: root) != nil, inner.value("kind", in: root) != nil
          else { return }
          TrialSpecRule.apply(to: root, path: "data[\(name)]", in: inner, context: &innerContext)
        }
      } catch {
        let offset = error.location?.offset ?? 0
        context.warn(
          "\(path) is not valid YAML (\(error.message)); this template is left as it is, "
            + "and Katib cannot use it either", at: offset == 0 ? document.span(of: value).start : text.outerOffset(of: offset))
        continue
      }
      context.absorb(innerContext)
    }
  }
}
