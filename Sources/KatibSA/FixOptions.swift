public import YAMLEdit

/// What the user asked for; passed down instead of living in globals.
public struct FixOptions: Sendable, Hashable {
  /// The account every pod template and suggestion algorithm should run as.
  public var serviceAccount: String
  /// Replace an existing, different account instead of keeping it with a warning.
  public var force: Bool
  /// Parse limits for hostile input.
  public var limits: ParseLimits

  public init(serviceAccount: String = "default-editor", force: Bool = false, limits: ParseLimits = ParseLimits()) {
    self.serviceAccount = serviceAccount
    self.force = force
    self.limits = limits
  }

  /// Kubernetes accepts a DNS subdomain: lowercase letters, digits, '-' and '.', at most 253.
  public static func isValidServiceAccountName(_ name: String) -> Bool {
    guard !name.isEmpty, name.utf8.count <= 253 else { return false }
    let labels = name.split(separator: ".", omittingEmptySubsequences: false)
    return labels.allSatisfy { label in
      guard let first = label.unicodeScalars.first, let last = label.unicodeScalars.last,
        label.utf8.count <= 63
      else { return false }
      func isAlnum(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("0"..."9").contains(s) }
      return isAlnum(first) && isAlnum(last) && label.unicodeScalars.allSatisfy { isAlnum($0) || $0 == "-" }
    }
  }
}

/// What kind of thing got the account.
public enum ChangeKind: String, Sendable, Hashable, Codable {
  case podTemplate = "pod template"
  case suggestionAlgorithm = "suggestion algorithm"
}

/// One place that got (or, with `--force`, had replaced) the service account.
public struct Change: Sendable, Hashable {
  public var kind: ChangeKind
  /// 0-based index of the document in its stream.
  public var documentIndex: Int
  /// Where in the document, e.g. `spec.trialTemplate.trialSpec.spec.template.spec`.
  public var path: String
  public var location: SourceLocation
  /// The account that was there before, when `--force` replaced one.
  public var replaced: String?
}

/// The pure result of fixing one input: new bytes, what changed, and what to tell the user.
public struct FixOutcome: Sendable {
  public var original: [UInt8]
  public var output: [UInt8]
  public var changes: [Change]
  public var diagnostics: [Diagnostic]

  public var isChanged: Bool { output != original }
  public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
  public func count(of kind: ChangeKind) -> Int { changes.lazy.filter { $0.kind == kind }.count }
}
