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
