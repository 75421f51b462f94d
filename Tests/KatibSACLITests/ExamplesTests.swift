import Foundation
import Testing

/// Runs the built binary over a copy of `Examples/`, as the README tells a newcomer to, and
/// compares every file with `Examples/expected/`, byte for byte.
@Suite struct ExamplesTests {
  static let inputs = ["experiments", "katib-config", "trial-templates"]

  @Test func fixingTheExamplesInPlaceGivesTheExpectedFiles() throws {
    let work = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: work) }
    for folder in Self.inputs {
      try FileManager.default.copyItem(
        at: Repository.examples.appendingPathComponent(folder), to: work.appendingPathComponent(folder))
    }
    let result = try Binary.run(Self.inputs, in: work)
    #expect(result.status == 0, "\(result.stderrText)")
    #expect(result.stderrText.hasSuffix("patched 21 pod templates and 33 suggestion algorithms in 15 of 16 files\n"), "\(result.stderrText)")
    let expected = Repository.examples.appendingPathComponent("expected")
    for relative in relativeFiles(below: work) {
      let want = bytes(of: expected.appendingPathComponent(relative))
      #expect(!want.isEmpty, "Examples/expected/\(relative) is missing")
      #expect(bytes(of: work.appendingPathComponent(relative)) == want, "\(relative) differs from Examples/expected")
    }
    // A second run changes nothing, and --check agrees.
    let check = try Binary.run(["--check"] + Self.inputs, in: work)
    #expect(check.status == 0, "\(check.stderrText)")
  }

  @Test func diffOfTheExamplesShowsOnlyAddedLines() throws {
    let result = try Binary.run(["--diff", "Examples"], in: Repository.root, environment: ["NO_COLOR": "1"])
    #expect(result.status == 0)
    let changed = result.stdoutText.split(separator: "\n").filter {
      ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---")
    }
    #expect(!changed.isEmpty)
    #expect(changed.allSatisfy { $0.hasPrefix("+") && ($0.contains("serviceAccountName") || $0.contains("taskRunTemplate")) })
  }
}
