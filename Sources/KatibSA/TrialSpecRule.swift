import YAMLEdit

/// Where the pod templates of each trial kind are, and how they get the account.
enum TrialSpecRule {
  /// Replica-spec keys of the Kubeflow training operators, by kind.
  static let replicaSpecKeys: [String: String] = [
    "TFJob": "tfReplicaSpecs",
    "PyTorchJob": "pytorchReplicaSpecs",
    "XGBoostJob": "xgbReplicaSpecs",
    "MXJob": "mxReplicaSpecs",
    "PaddleJob": "paddleReplicaSpecs",
    "JAXJob": "jaxReplicaSpecs",
    "MPIJob": "mpiReplicaSpecs",
  ]

  /// Applies the rule to the trialSpec mapping `trialSpec`, whose path is `prefix`.
  static func apply(
    to trialSpec: NodeID, path prefix: String, in document: YAMLDocument, context: inout FixContext
  ) {
    let editor = MappingEditor(document: document)
    let spec = document.resolved(trialSpec)
    guard document.kind(of: spec) == .mapping else {
      context.warn("\(prefix) is not a mapping; nothing added", at: document.span(of: trialSpec).start)
      return
    }
    let apiVersion = document.string(at: ["apiVersion"], from: spec) ?? ""
    let kind = document.string(at: ["kind"], from: spec) ?? ""
    let group = apiVersion.split(separator: "/").first.map(String.init) ?? ""
    let start = document.span(of: spec).start
    var seen = Set<NodeID>()

    func setWorkflowAccount() {
      guard let workflowSpec = document.value("spec", in: spec) else {
        context.warn("\(prefix): this \(kind) has no spec; nothing added", at: start)
        return
      }
      setAccount(in: workflowSpec, path: "\(prefix).spec")
    }

    func setAccount(in mapping: NodeID, path: String) {
      guard seen.insert(document.resolved(mapping)).inserted else { return }
      context.setServiceAccount(in: mapping, of: document, kind: .podTemplate, path: path, editor: editor)
    }

    switch (group, kind) {
    case ("batch", "Job"):
      guard let podSpec = document.value(at: ["spec", "template", "spec"], from: spec) else {
        context.warn("\(prefix): this Job has no spec.template.spec; nothing added", at: start)
        return
      }
      setAccount(in: podSpec, path: "\(prefix).spec.template.spec")
    case ("kubeflow.org", let kind) where replicaSpecKeys[kind] != nil:
      let key = replicaSpecKeys[kind]!
      guard let replicas = document.value(at: ["spec", key], from: spec),
        document.kind(of: replicas) == .mapping
      else {
        context.warn("\(prefix): this \(kind) has no spec.\(key); nothing added", at: start)
        return
      }
      for (roleKey, roleValue) in document.pairs(of: replicas) {
        let role = document.scalar(roleKey) ?? "?"
        let rolePath = "\(prefix).spec.\(key).\(role)"
        let replica = document.resolved(roleValue)
        if let podSpec = document.value(at: ["template", "spec"], from: replica) {
          setAccount(in: podSpec, path: "\(rolePath).template.spec")
        } else if document.value("spec", in: replica) != nil {
          context.warn(
            "\(rolePath) has 'spec:' but no 'template:', so the training operator never uses it as a "
              + "pod template; nothing added (move it under 'template:')",
            at: document.span(of: roleKey).start)
        } else {
          context.warn("\(rolePath) has no template.spec; nothing added", at: document.span(of: roleKey).start)
        }
      }
    // Argo Workflows of any version, and Tekton PipelineRuns before v1, name the account in `spec`.
    case ("argoproj.io", "Workflow"):
      setWorkflowAccount()
    case ("tekton.dev", "PipelineRun") where !apiVersion.hasSuffix("/v1"):
      setWorkflowAccount()
    case ("tekton.dev", "PipelineRun"):
      guard let runSpec = document.value("spec", in: spec), document.kind(of: runSpec) == .mapping else {
        context.warn("\(prefix): this PipelineRun has no spec; nothing added", at: start)
        return
      }
      guard context.claim(document.resolved(runSpec), of: document) else { return }
      if let template = document.value("taskRunTemplate", in: runSpec) {
        setAccount(in: template, path: "\(prefix).spec.taskRunTemplate")
      } else {
        let entry = InsertedEntry(
          "taskRunTemplate", .mapping([InsertedEntry("serviceAccountName", .string(context.options.serviceAccount))]))
        do {
          context.edits.append(context.transform(try editor.insert(entry, into: runSpec)))
          context.changes.append(
            Change(
              kind: .podTemplate, documentIndex: context.documentIndex, path: "\(prefix).spec.taskRunTemplate",
              location: context.locate(document.span(of: runSpec).start), replaced: nil))
        } catch {
          context.warn("\(prefix).spec: \(error.message); nothing added", at: error.offset)
        }
      }
    case ("trainer.kubeflow.org", "TrainJob"):
      context.warn(
        "\(prefix): a TrainJob has no pod template; set the service account in its training runtime "
          + "(ClusterTrainingRuntime/TrainingRuntime) or in the TrainJob's pod template overrides",
        at: start)
    default:
      let podSpecs = genericPodSpecs(below: spec, in: document, prefix: prefix)
      if podSpecs.isEmpty {
        context.warn(
          "\(prefix): no pod template (a 'template:' whose 'spec:' has 'containers:') found in this "
            + "\(kind.isEmpty ? "trialSpec" : kind); nothing added", at: start)
      }
      for (podSpec, path) in podSpecs { setAccount(in: podSpec, path: path) }
    }
  }

  /// Every `template:` mapping whose `spec:` holds `containers:`, found without recursion and
  /// visiting each anchored node once, so alias bombs cost nothing.
  static func genericPodSpecs(below root: NodeID, in document: YAMLDocument, prefix: String)
    -> [(NodeID, String)]
  {
    var found: [(NodeID, String)] = []
    var visited = Set<NodeID>()
    var stack: [(NodeID, String)] = [(root, prefix)]
    while let (node, path) = stack.popLast() {
      let resolved = document.resolved(node)
      guard visited.insert(resolved).inserted else { continue }
      switch document.kind(of: resolved) {
      case .mapping:
        var children: [(NodeID, String)] = []
        for (key, value) in document.pairs(of: resolved) {
          let name = document.scalar(key) ?? "?"
          let childPath = "\(path).\(name)"
          if name == "template", let podSpec = document.value("spec", in: value),
            document.kind(of: podSpec) == .mapping, document.entry("containers", in: podSpec) != nil
          {
            found.append((podSpec, "\(childPath).spec"))
          }
          children.append((value, childPath))
        }
        stack.append(contentsOf: children.reversed())
      case .sequence:
        let items = document.items(of: resolved).enumerated().map { ($1, "\(path)[\($0)]") }
        stack.append(contentsOf: items.reversed())
      default:
        break
      }
    }
    return found
  }
}
