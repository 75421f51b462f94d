import Foundation
import KatibSAChecks
import Testing

@testable import KatibSACLI

private let experiment = Fixtures.experiment

@Suite struct OptionsTests {
  @Test func parsesFlagsAndPaths() throws {
    let options = try Options.parse(["--check", "-s", "irsa", "--force", "-q", "--jobs=3", "a", "--", "-b"])
    #expect(options.mode == .check)
    #expect(options.fix.serviceAccount == "irsa")
    #expect(options.fix.force && options.quiet && options.jobs == 3)
    #expect(options.paths == ["a", "-b"])
  }

  @Test(arguments: [
    (["--nope"], "unknown option '--nope'"),
    (["--service-account"], "option '--service-account' needs a value"),
    (["--service-account", "Bad_Name"], "option '--service-account': 'Bad_Name' is not a valid service account name (lowercase letters, digits, '-' and '.')"),
    (["--jobs", "0"], "option '--jobs' needs a whole number from 1 to 1024, not '0'"),
    (["--check=yes"], "option '--check' takes no value"),
  ])
  func usageErrorsNameTheFlag(_ arguments: [String], _ message: String) {
    #expect(throws: Options.UsageError.self) { try Options.parse(arguments) }
    do {
      _ = try Options.parse(arguments)
    } catch {
      #expect(error.message == message)
    }
  }
}

@Suite struct CommandLineTests {
  @Test func usageErrorExits64WithTheMessage() throws {
    let result = try Integration.katibSA(["--bogus"])
    #expect(result.status == 64)
    #expect(result.errors.hasPrefix("katib-sa: error: unknown option '--bogus'\nusage: katib-sa"))
    #expect(result.stdout.isEmpty)
  }

  @Test func helpAndVersion() throws {
    let help = try Integration.katibSA(["--help"])
    #expect(help.status == 0)
    #expect(help.output.contains("exit status:") && help.output.contains("examples:"))
    #expect(try Integration.katibSA(["--version"]).output.hasPrefix("katib-sa "))
  }

  @Test func standardInputIsFilteredToStandardOutput() throws {
    let result = try Integration.katibSA([], input: Array(experiment.utf8))
    #expect(result.status == 0)
    #expect(result.output == Fixtures.patchedExperiment)
    #expect(result.errors == "patched 1 pod template in 1 of 1 file\n")
    let dash = try Integration.katibSA(["-", "--quiet", "-s", "irsa"], input: Array(experiment.utf8))
    #expect(dash.output.contains("serviceAccountName: irsa\n"))
    #expect(dash.stderr.isEmpty)
  }

  @Test func unchangedStandardInputComesBackIdentical() throws {
    let input: [UInt8] = Array("# just a comment\r\nkind: Service\r\nx: 'é'".utf8)
    let result = try Integration.katibSA([], input: input)
    #expect(result.status == 0)
    #expect(result.stdout == input)
    #expect(try Integration.katibSA([], input: []).stdout.isEmpty)
  }

  @Test func badStandardInputIsLeftAsItIs() throws {
    let result = try Integration.katibSA([], input: Array("a: [\n".utf8))
    #expect(result.status == 2)
    #expect(result.stdout == Array("a: [\n".utf8))
    #expect(result.errors.hasPrefix("<stdin>:2:1: error: "))
  }

  @Test func checkDiffAndFixOverADirectory() throws {
    let work = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: work) }
    let manifests = work.appendingPathComponent("manifests/sub")
    try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
    try Data(experiment.utf8).write(to: manifests.appendingPathComponent("e.yaml"))
    try Data("kind: Service\n".utf8).write(to: manifests.appendingPathComponent("s.yml"))
    try Data("a: [\n".utf8).write(to: manifests.appendingPathComponent("broken.yaml"))
    try Data("not: scanned".utf8).write(to: manifests.appendingPathComponent("notes.txt"))

    let check = try Integration.katibSA(["--check", "manifests"], in: work)
    #expect(check.status == 2)  // the broken file wins over "changes needed"
    #expect(check.errors.contains("manifests/sub/e.yaml: would patch 1 pod template\n"))
    #expect(check.errors.contains("manifests/sub/broken.yaml:2:1: error: "))

    let diff = try Integration.katibSA(["--diff", "manifests/sub/e.yaml"], in: work)
    #expect(diff.status == 0)
    let expectedDiff = [
      "--- a/manifests/sub/e.yaml", "+++ b/manifests/sub/e.yaml", "@@ -10,6 +10,7 @@",
      "       spec:", "         template:", "           spec:", "+            serviceAccountName: default-editor",
      "             containers:", "               - name: t", "                 image: busybox",
    ]
    #expect(diff.output == expectedDiff.map { $0 + "\n" }.joined())
    #expect(bytes(of: manifests.appendingPathComponent("e.yaml")) == Array(experiment.utf8))

    let fix = try Integration.katibSA(["manifests"], in: work)
    #expect(fix.status == 2)
    #expect(fix.errors.hasSuffix("patched 1 pod template in 1 of 3 files\n"))
    #expect(String(decoding: bytes(of: manifests.appendingPathComponent("e.yaml")), as: UTF8.self).contains("serviceAccountName: default-editor"))
    #expect(bytes(of: manifests.appendingPathComponent("broken.yaml")) == Array("a: [\n".utf8))

    let again = try Integration.katibSA(["--check", "manifests/sub/e.yaml", "manifests/sub/s.yml"], in: work)
    #expect(again.status == 0)
    #expect(again.errors == "would patch 0 pod templates in 0 of 2 files\n")
  }

  @Test func checkWithDiffExitsOneOnChanges() throws {
    let work = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: work) }
    try Data(experiment.utf8).write(to: work.appendingPathComponent("e.yaml"))
    let result = try Integration.katibSA(["--check", "--diff", "e.yaml"], in: work)
    #expect(result.status == 1)
    #expect(result.output.hasPrefix("--- a/e.yaml\n"))
  }

  @Test func missingPathFailsAndTheRestGoesOn() throws {
    let work = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: work) }
    try Data(experiment.utf8).write(to: work.appendingPathComponent("e.yaml"))
    let result = try Integration.katibSA(["missing.yaml", "e.yaml"], in: work)
    #expect(result.status == 2)
    #expect(result.errors.hasPrefix("missing.yaml:1:1: error: "))
    #expect(String(decoding: bytes(of: work.appendingPathComponent("e.yaml")), as: UTF8.self).contains("serviceAccountName"))
  }

  @Test func outputOrderDoesNotDependOnJobs() throws {
    let work = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: work) }
    for index in 0..<40 {
      let text = index % 3 == 0 ? "a: [\n" : experiment.replacingOccurrences(of: "name: x", with: "name: x\(index)")
      try Data(text.utf8).write(to: work.appendingPathComponent(String(format: "f%02d.yaml", index)))
    }
    let one = try Integration.katibSA(["--check", "--jobs", "1", "."], in: work)
    let many = try Integration.katibSA(["--check", "--jobs", "8", "."], in: work)
    #expect(one.errors == many.errors)
    #expect(one.status == many.status)
  }
}
