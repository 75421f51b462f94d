import Foundation
import Testing

@testable import KatibSACLI

@Suite struct ReportTests {
  /// A directory with one file of each status.
  static func makeTree(_ root: URL) throws -> URL {
    let tree = root.appendingPathComponent("manifests")
    try Integration.write(Integration.experiment, to: tree.appendingPathComponent("a-changed.yaml"))
    try Integration.write(
      Integration.experiment.replacingOccurrences(
        of: "restartPolicy: Never", with: "restartPolicy: Never\n            serviceAccountName: default-editor"),
      to: tree.appendingPathComponent("b-unchanged.yaml"))
    try Integration.write("apiVersion: v1\nkind: ConfigMap\ndata: {a: [}\n", to: tree.appendingPathComponent("c-error.yaml"))
    try Integration.write(
      Integration.experiment.replacingOccurrences(
        of: "restartPolicy: Never", with: "restartPolicy: Never\n            serviceAccountName: someone"),
      to: tree.appendingPathComponent("d-warning.yaml"))
    try FileManager.default.createSymbolicLink(
      at: tree.appendingPathComponent("e-link.yaml"), withDestinationURL: tree.appendingPathComponent("a-changed.yaml"))
    return tree
  }

  static func parse(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  static func files(_ report: [String: Any]) throws -> [String: [String: Any]] {
    let files = try #require(report["files"] as? [[String: Any]])
    var byName: [String: [String: Any]] = [:]
    for file in files {
      let path = try #require(file["path"] as? String)
      byName[URL(fileURLWithPath: path).lastPathComponent] = file
    }
    return byName
  }

  @Test func jsonOnStandardErrorCoversEveryFile() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let tree = try Self.makeTree(root)
    let buffers = Integration.Buffers()
    let status = CLI.run(arguments: ["--check", "--report", "json", tree.path], streams: buffers.streams())
    #expect(status == .inputFailed)
    // Standard error is the one JSON document and nothing else.
    let report = try Self.parse(buffers.stderr)
    #expect(report["version"] as? Int == 1)
    #expect(report["mode"] as? String == "check")
    #expect(report["serviceAccount"] as? String == "default-editor")
    #expect(report["exitStatus"] as? Int == 2)
    let files = try Self.files(report)
    #expect(files["a-changed.yaml"]?["status"] as? String == "changed")
    #expect(files["b-unchanged.yaml"]?["status"] as? String == "unchanged")
    #expect(files["c-error.yaml"]?["status"] as? String == "error")
    #expect(files["d-warning.yaml"]?["status"] as? String == "unchanged")
    #expect(files["e-link.yaml"]?["status"] as? String == "skipped")

    let change = try #require((files["a-changed.yaml"]?["changes"] as? [[String: Any]])?.first)
    #expect(change["kind"] as? String == "pod template")
    #expect(change["document"] as? Int == 0)
    #expect(change["path"] as? String == "spec.trialTemplate.trialSpec.spec.template.spec")
    #expect(change["line"] as? Int == 17)
    #expect(change["column"] as? Int == 13)

    let error = try #require((files["c-error.yaml"]?["diagnostics"] as? [[String: Any]])?.first)
    #expect(error["severity"] as? String == "error")
    #expect((error["file"] as? String)?.hasSuffix("c-error.yaml") == true)
    #expect(error["line"] as? Int == 3)
    #expect(error["column"] as? Int != nil)
    #expect(error["message"] as? String != nil)

    let warning = try #require((files["d-warning.yaml"]?["diagnostics"] as? [[String: Any]])?.first)
    #expect(warning["severity"] as? String == "warning")
    #expect((warning["message"] as? String)?.contains("kept it") == true)
    #expect(warning["line"] as? Int == 21)

    let skipped = try #require((files["e-link.yaml"]?["diagnostics"] as? [[String: Any]])?.first)
    #expect(skipped["severity"] as? String == "note")

    let summary = try #require(report["summary"] as? [String: Any])
    #expect(summary["files"] as? Int == 5)
    #expect(summary["changed"] as? Int == 1)
    #expect(summary["unchanged"] as? Int == 2)
    #expect(summary["error"] as? Int == 1)
    #expect(summary["skipped"] as? Int == 1)
    #expect(summary["podTemplates"] as? Int == 1)
    // --check wrote nothing.
    #expect(try Integration.read(tree.appendingPathComponent("a-changed.yaml")) == Integration.experiment)
  }

  @Test func reportFileLeavesTheUsualMessagesOnStandardError() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let tree = try Self.makeTree(root)
    let reportURL = root.appendingPathComponent("report.json")
    // The real binary: stderr of a process, and --report-file alone implies --report json.
    let run = try Integration.katibSA(["--report-file", reportURL.path, tree.path])
    #expect(run.status == 2)
    #expect(run.errors.contains("c-error.yaml:3:"))
    #expect(run.errors.contains("patched 1 pod template in 1 of 4 files"))
    let report = try Self.parse(try Integration.read(reportURL))
    #expect(report["mode"] as? String == "fix")
    let files = try Self.files(report)
    #expect(files["a-changed.yaml"]?["status"] as? String == "changed")
    #expect(try Integration.read(tree.appendingPathComponent("a-changed.yaml")).contains("default-editor"))
  }

  @Test func standardInputAndTheSchemaOfAnEmptyRun() throws {
    let buffers = Integration.Buffers()
    let status = CLI.run(
      arguments: ["--report=json", "-s", "irsa-runner"],
      streams: buffers.streams(input: Array(Integration.experiment.utf8)))
    #expect(status == .success)
    #expect(buffers.stdout.contains("serviceAccountName: irsa-runner"))
    let report = try Self.parse(buffers.stderr)
    let files = try #require(report["files"] as? [[String: Any]])
    #expect(files.count == 1)
    #expect(files[0]["path"] as? String == "<stdin>")
    #expect(files[0]["status"] as? String == "changed")
    #expect(report["serviceAccount"] as? String == "irsa-runner")

    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let empty = Integration.Buffers()
    #expect(CLI.run(arguments: ["--report", "json", root.path], streams: empty.streams()) == .success)
    let emptyReport = try Self.parse(empty.stderr)
    #expect((emptyReport["files"] as? [Any])?.isEmpty == true)
  }

  @Test func messagesWithQuotesAndControlCharactersStayValidJSON() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent("odd \"name\"\t.yaml")
    try Integration.write(
      Integration.experiment.replacingOccurrences(
        of: "restartPolicy: Never", with: "restartPolicy: Never\n            serviceAccountName: \"a\\\\b\\u0001\""),
      to: file)
    let buffers = Integration.Buffers()
    _ = CLI.run(arguments: ["--report", "json", file.path], streams: buffers.streams())
    let report = try Self.parse(buffers.stderr)
    let entry = try #require((report["files"] as? [[String: Any]])?.first)
    #expect(entry["path"] as? String == file.path)
    let message = try #require((entry["diagnostics"] as? [[String: Any]])?.first?["message"] as? String)
    #expect(message.contains("a\\b\u{1}"))
  }

  @Test func reportMistakes() throws {
    let unknown = Integration.Buffers()
    #expect(CLI.run(arguments: ["--report", "xml"], streams: unknown.streams()) == .usage)
    #expect(unknown.stderr.contains("supports only 'json'"))

    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let unwritable = Integration.Buffers()
    let status = CLI.run(
      arguments: ["--report-file", root.appendingPathComponent("missing/dir/report.json").path],
      streams: unwritable.streams(input: Array(Integration.experiment.utf8)))
    #expect(status == .inputFailed)
    #expect(unwritable.stderr.contains("cannot write the report"))
  }
}
