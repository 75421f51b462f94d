import Foundation
import KatibSAChecks
import KatibSA
import YAMLEdit

/// Inputs and checks shared by the hostile-input tests.
enum Hostile {
  static let experiment = Fixtures.experiment
  /// `experiment` as katib-sa should write it.
  static let patchedExperiment = Fixtures.patchedExperiment

  static func fix(_ text: String, path: String = "in.yaml") -> FixOutcome {
    KatibFixer.fix(SourceText(path: path, bytes: Array(text.utf8)))
  }

  static func fix(bytes: [UInt8], path: String = "in.yaml") -> FixOutcome {
    KatibFixer.fix(SourceText(path: path, bytes: bytes))
  }

  static func errors(_ outcome: FixOutcome) -> [Diagnostic] {
    outcome.diagnostics.filter { $0.severity == .error }
  }

  /// `10` levels of nine-fold aliases: expanding it would make 9^10 ≈ 3.5 billion nodes.
  static func billionLaughs(levels: Int = 10) -> String {
    var lines = ["a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
    for level in 1..<levels {
      let items = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
      lines.append("a\(level): &a\(level) [\(items)]")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Seconds taken by `body`.
  static func seconds(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let elapsed = clock.measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  }

  /// Whether a message is safe to print: valid UTF-8 (it is a String) with no control characters
  /// but newlines between diagnostics.
  static func isPrintable(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { scalar in
      scalar == "\n" || scalar == "\t" || (scalar.value >= 0x20 && scalar.value != 0x7F
        && !(0x80...0x9F).contains(scalar.value) && scalar.value != 0x2028 && scalar.value != 0x2029)
    }
  }
}
