import KatibSA
import YAMLEdit

/// The properties every fix must have, checked by the fuzzer (Sources/KatibSAFuzz) and by the
/// regression tests over the inputs it found:
/// 1. on an error, or with nothing to change, the output is the input, byte for byte;
/// 2. a changed output parses again;
/// 3. a second run over the output changes nothing and reports no error;
/// 4. the output's trees equal the input's, but for added `serviceAccountName` (and
///    `taskRunTemplate`) keys, also inside the ConfigMap strings katib-sa edits.
public enum FixInvariants {
  /// Places where katib-sa edits, as a prefix and the indentation given to each line of an input
  /// placed after it: a pod spec in an Experiment, the JSON of an old katib-config, the YAML of a
  /// new one. The fuzzer checks each input as it is and in each of these places, so that its
  /// mutations reach the editing code without first having to build a whole Experiment.
  public static let contexts: [(name: String, prefix: String, indent: Int)] = [
    (
      "pod spec",
      "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nspec:\n  trialTemplate:\n    trialSpec:\n"
        + "      apiVersion: batch/v1\n      kind: Job\n      spec:\n        template:\n          spec:\n", 12
    ),
    ("katib-config JSON", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: katib-config\ndata:\n  suggestion: |-\n", 4),
    ("katib-config YAML", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: katib-config\ndata:\n  katib-config.yaml: |\n", 4),
  ]

  /// `bytes` after `prefix`, every line indented by `indent` spaces.
  public static func placed(_ bytes: [UInt8], prefix: String, indent: Int) -> [UInt8] {
    var out = Array(prefix.utf8)
    out.reserveCapacity(out.count + bytes.count + indent * 8)
    let pad = [UInt8](repeating: 0x20, count: indent)
    var atLineStart = true
    for byte in bytes {
      if atLineStart { out += pad }
      out.append(byte)
      atLineStart = byte == 0x0A
    }
    return out
  }

  /// The first violation for `bytes` as they are or placed in one of ``contexts``.
  public static func violationInAnyContext(_ bytes: [UInt8]) -> String? {
    if let problem = violation(in: bytes) { return problem }
    for context in contexts {
      if let problem = violation(in: placed(bytes, prefix: context.prefix, indent: context.indent)) {
        return "as \(context.name): \(problem)"
      }
    }
    return nil
  }

  /// A description of the first property `bytes` violates, or `nil`.
  public static func violation(in bytes: [UInt8], options: FixOptions = FixOptions()) -> String? {
    let outcome = KatibFixer.fix(SourceText(path: "fuzz.yaml", bytes: bytes), options: options)
    guard outcome.original == bytes else { return "outcome.original differs from the input" }
    if outcome.hasErrors || outcome.changes.isEmpty {
      return outcome.output == bytes ? nil : "the output changed although no change was reported"
    }
    let before: [YAMLDocument]
    let after: [YAMLDocument]
    do {
      before = try YAMLParser.documents(SourceText(path: "in", bytes: bytes), limits: options.limits)
    } catch {
      return "the input no longer parses after a successful fix: \(error)"
    }
    do {
      after = try YAMLParser.documents(SourceText(path: "out", bytes: outcome.output), limits: options.limits)
    } catch {
      return "the output does not parse: \(error)"
    }
    let again = KatibFixer.fix(SourceText(path: "fuzz.yaml", bytes: outcome.output), options: options)
    if again.hasErrors { return "the second run reports an error: \(again.diagnostics)" }
    if again.isChanged || !again.changes.isEmpty { return "the second run changes the output again" }
    guard before.count == after.count else { return "the number of documents changed" }
    for (a, b) in zip(before, after) {
      if let problem = TreeComparison.difference(a, b, embeddedDepth: 1) { return problem }
    }
    return nil
  }
}
