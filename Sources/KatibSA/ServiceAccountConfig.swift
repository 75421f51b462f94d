public import YAMLEdit

/// The configuration object of the kustomize plugin and the KRM function:
///
/// ```yaml
/// apiVersion: katib-sa/v1
/// kind: KatibServiceAccount
/// metadata:
///   name: irsa
/// serviceAccount: default-editor   # optional; the default is the command line's (default-editor)
/// force: false                     # optional; replace an existing, different account
/// ```
///
/// A KRM function may instead be given a ConfigMap whose `data` holds the same two keys as strings
/// (`kpt fn eval --exec katib-sa -- serviceAccount=irsa force=true` makes one).
public enum ServiceAccountConfig {
  public static let apiVersion = "katib-sa/v1"
  public static let kind = "KatibServiceAccount"
  static let fields: Set<String> = ["serviceAccount", "force"]
  static let envelope: Set<String> = ["apiVersion", "kind", "metadata"]

  /// Whether `node` is a KatibServiceAccount object.
  public static func isConfig(_ node: NodeID, in document: YAMLDocument) -> Bool {
    let resolved = document.resolved(node)
    return document.kind(of: resolved) == .mapping
      && document.string(at: ["apiVersion"], from: resolved) == apiVersion
      && document.string(at: ["kind"], from: resolved) == kind
  }

  /// Reads a file (the one kustomize names on the plugin's command line) holding one
  /// KatibServiceAccount object, and returns `base` with its settings applied.
  public static func load(_ source: SourceText, base: FixOptions) throws(Diagnostic) -> FixOptions {
    let documents = try YAMLParser.documents(source, limits: base.limits).filter { $0.root != nil }
    guard documents.count == 1, let document = documents.first, let root = document.root else {
      throw .error(
        "expected one \(apiVersion) \(kind) object, found \(documents.count) documents",
        at: source.location(of: 0))
    }
    guard isConfig(root, in: document) else {
      throw .error(
        "expected apiVersion '\(apiVersion)' and kind '\(kind)' in the plugin configuration",
        at: document.location(of: root))
    }
    return try apply(root, in: document, to: base)
  }

  /// Applies a KatibServiceAccount object, or a ConfigMap's `data`, found at `node` to `base`.
  public static func apply(_ node: NodeID, in document: YAMLDocument, to base: FixOptions)
    throws(Diagnostic) -> FixOptions
  {
    let object = document.resolved(node)
    let source = document.source
    guard document.kind(of: object) == .mapping else {
      throw .error("the function configuration is not a mapping", at: document.location(of: node))
    }
    if document.pairs(of: object).isEmpty { return base }
    let settings: NodeID
    let what: String
    let allowed: Set<String>
    if isConfig(object, in: document) {
      settings = object
      what = kind
      allowed = fields.union(envelope)
    } else if document.string(at: ["kind"], from: object) == "ConfigMap" {
      guard let data = document.value("data", in: object) else { return base }
      settings = data
      what = "ConfigMap data"
      allowed = fields
    } else {
      let found = document.string(at: ["kind"], from: object) ?? "no kind"
      throw .error(
        "unsupported function configuration (\(found)); use \(apiVersion) \(kind), or a ConfigMap "
          + "whose data holds serviceAccount and force", at: document.location(of: object))
    }
    guard document.kind(of: settings) == .mapping else {
      if document.kind(of: settings) == .scalar, document.scalar(settings).map(isNull) == true { return base }
      throw .error("\(what) is not a mapping", at: document.location(of: settings))
    }
    var options = base
    for (keyNode, valueNode) in document.pairs(of: settings) {
      let key = document.scalar(keyNode) ?? "?"
      let value = document.resolved(valueNode)
      let location = source.location(of: document.span(of: valueNode).start)
      guard allowed.contains(key) else {
        throw .error(
          "unknown field '\(key)' in \(what); the fields are serviceAccount and force",
          at: document.location(of: keyNode))
      }
      switch key {
      case "serviceAccount":
        guard document.kind(of: value) == .scalar, let name = document.scalar(value),
          FixOptions.isValidServiceAccountName(name)
        else {
          let shown = document.scalar(value).map { "'\($0)'" } ?? "not a string"
          throw .error(
            "serviceAccount \(shown) is not a valid service account name "
              + "(lowercase letters, digits, '-' and '.')", at: location)
        }
        options.serviceAccount = name
      case "force":
        switch document.scalar(value)?.lowercased() {
        case "true": options.force = true
        case "false": options.force = false
        default:
          throw .error("force must be true or false", at: location)
        }
      default:
        break
      }
    }
    return options
  }

  /// A diagnostic reworded for users of the configuration object, who set `force: true` rather
  /// than pass `--force`.
  public static func configWording(_ diagnostic: Diagnostic) -> Diagnostic {
    var reworded = diagnostic
    let flag = "(use --force to replace it)"
    if let range = diagnostic.message.firstRange(of: flag) {
      reworded.message.replaceSubrange(range, with: "(set force: true to replace it)")
    }
    return reworded
  }

  static func isNull(_ text: String) -> Bool { text.isEmpty || text == "~" || text.lowercased() == "null" }
}

