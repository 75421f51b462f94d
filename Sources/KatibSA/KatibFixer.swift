public import YAMLEdit

/// The whole fix for one input, with no I/O: bytes in, new bytes, changes and diagnostics out.
public enum KatibFixer {
  /// Parses `source` once, applies every rule to every document, and splices the edits once.
  /// On any error the output is the original bytes: a file is fixed whole or not at all.
  public static func fix(_ source: SourceText, options: FixOptions = FixOptions()) -> FixOutcome {
    var edits: [TextEdit] = []
    var changes: [Change] = []
    var diagnostics: [Diagnostic] = []
    do {
      try YAMLParser.parse(source, limits: options.limits) { document in
        var context = FixContext(options: options, document: document)
        if let root = document.root { route(root, in: document, context: &context) }
        edits += context.edits
        changes += context.changes
        diagnostics += context.diagnostics
      }
    } catch {
      return FixOutcome(original: source.bytes, output: source.bytes, changes: [], diagnostics: [error])
    }
    var outcome = FixOutcome(original: source.bytes, output: source.bytes, changes: changes, diagnostics: diagnostics)
    if outcome.hasErrors || edits.isEmpty {
      if outcome.hasErrors { outcome.changes = [] }
      return outcome
    }
    do {
      outcome.output = try Splicer.apply(edits, to: source.bytes)
    } catch {
      outcome.changes = []
      outcome.diagnostics.append(.error("internal error: \(error); the input is left as it is", at: nil))
    }
    return outcome
  }

  /// Sends a resource to the rule for its kind.
  static func route(_ root: NodeID, in document: YAMLDocument, context: inout FixContext) {
    let resource = document.resolved(root)
    guard document.kind(of: resource) == .mapping else { return }
    let apiVersion = document.string(at: ["apiVersion"], from: resource) ?? ""
    let kind = document.string(at: ["kind"], from: resource) ?? ""
    switch kind {
    case "Experiment" where apiVersion.hasPrefix("kubeflow.org/"):
      applyToExperiment(resource, in: document, context: &context)
    case "KatibConfig" where apiVersion.hasPrefix("config.kubeflow.org/"):
      KatibConfigRule.applyToKatibConfig(resource, in: document, context: &context)
    case "ConfigMap":
      if document.string(at: ["metadata", "name"], from: resource) == "katib-config" {
        KatibConfigRule.applyToConfigMap(resource, in: document, context: &context)
      } else if TrialTemplatesRule.isTrialTemplates(resource, in: document) {
        TrialTemplatesRule.apply(to: resource, in: document, context: &context)
      }
    case let listKind where listKind == "List" || listKind.hasSuffix("List"):
      guard let items = document.value("items", in: resource), document.kind(of: items) == .sequence else { return }
      var routed = Set<NodeID>()
      for item in document.items(of: items) where routed.insert(document.resolved(item)).inserted {
        let itemKind = document.string(at: ["kind"], from: item) ?? ""
        if itemKind != "List" && !itemKind.hasSuffix("List") { route(item, in: document, context: &context) }
      }
    default:
      break
    }
  }

  static func applyToExperiment(_ experiment: NodeID, in document: YAMLDocument, context: inout FixContext) {
    guard let trialTemplate = document.value(at: ["spec", "trialTemplate"], from: experiment) else {
      context.note("this Experiment has no spec.trialTemplate; nothing to add", at: document.span(of: experiment).start)
      return
    }
    if let trialSpec = document.value("trialSpec", in: trialTemplate) {
      TrialSpecRule.apply(to: trialSpec, path: "spec.trialTemplate.trialSpec", in: document, context: &context)
    } else if let configMap = document.value("configMap", in: trialTemplate) {
      let name = document.string(at: ["configMapName"], from: configMap) ?? "<configMapName>"
      let namespace = document.string(at: ["configMapNamespace"], from: configMap) ?? "<namespace>"
      let templatePath = document.string(at: ["templatePath"], from: configMap) ?? "<templatePath>"
      context.note(
        "the trial template comes from ConfigMap \(namespace)/\(name), key '\(templatePath)'; fix that "
          + "ConfigMap's manifest, or the live one: kubectl get cm \(name) -n \(namespace) -o yaml | katib-sa | kubectl apply -f -",
        at: document.span(of: configMap).start)
    }
  }
}
