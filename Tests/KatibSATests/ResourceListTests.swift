import Foundation
import Testing
import YAMLEdit

@testable import KatibSA

/// Golden files of the integrations, compared byte for byte; `UPDATE_GOLDENS=1` rewrites them.
enum IntegrationGoldenFiles {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Goldens/integrations")

  static func read(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: directory.appendingPathComponent(name)))
  }

  static func check(_ actual: [UInt8], against name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    try expectGolden(actual, at: directory.appendingPathComponent(name), sourceLocation: sourceLocation)
  }
}

@Suite struct ResourceListTests {
  func fix(_ name: String, options: FixOptions = FixOptions()) throws -> FixOutcome {
    let source = SourceText(path: "<stdin>", bytes: try IntegrationGoldenFiles.read("krm/\(name)"))
    return try #require(ResourceListFixer.fix(source, options: options))
  }

  /// The `results` entries of an output, parsed back.
  func results(_ output: [UInt8]) throws -> [YAMLDocument] {
    try YAMLParser.documents(SourceText(path: "out", bytes: output))
  }

  @Test func configMapFunctionConfigPatchesEveryItemAndReportsResults() throws {
    let outcome = try fix("configmap-function-config.in.yaml")
    try IntegrationGoldenFiles.check(outcome.output, against: "krm/configmap-function-config.out.yaml")
    #expect(!outcome.hasErrors)
    // serviceAccount and force came from the ConfigMap: tpe's old account was replaced.
    #expect(outcome.changes.map(\.kind) == [.podTemplate, .suggestionAlgorithm, .suggestionAlgorithm])
    #expect(outcome.changes.last?.replaced == "old-account")
    let text = String(decoding: outcome.output, as: UTF8.self)
    #expect(text.contains("path: experiments/random.yaml\n    index: 0"))
    // internal.config.kubernetes.io/path is used when the public annotation is missing.
    #expect(text.contains("path: katib-config.yaml\n    index: 1"))
    #expect(text.contains("severity: warning"))
  }

  @Test func outputIsTheInputPlusInsertionsOnly() throws {
    let input = try IntegrationGoldenFiles.read("krm/configmap-function-config.in.yaml")
    let outcome = try fix("configmap-function-config.in.yaml")
    // Removing the inserted lines gives back the input, byte for byte.
    let inserted = Set(["serviceAccountName: irsa-runner", "\"serviceAccountName\": \"irsa-runner\","])
    let outputText = String(decoding: outcome.output, as: UTF8.self)
    let resultsStart = try #require(outputText.range(of: "\nresults:\n"))
    let kept = outputText[..<resultsStart.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !inserted.contains($0.trimmingCharacters(in: .whitespaces)) }
      .map { $0.replacingOccurrences(of: "\"irsa-runner\"", with: "\"old-account\"") }
      .joined(separator: "\n") + "\n"
    #expect(Array(kept.utf8) == input)
  }

  @Test func katibServiceAccountFunctionConfigAndExistingResults() throws {
    let outcome = try fix("katib-config-function-config.in.yaml")
    try IntegrationGoldenFiles.check(outcome.output, against: "krm/katib-config-function-config.out.yaml")
    #expect(outcome.changes.count == 1)
    let documents = try results(outcome.output)
    let root = try #require(documents.first?.root)
    let list = try #require(documents[0].value("results", in: root))
    // The earlier result is kept; ours follow it: a note becomes an info result, a kept account a warning.
    let severities = documents[0].items(of: list).compactMap { documents[0].string(at: ["severity"], from: $0) }
    #expect(severities == ["info", "info", "warning", "info"])
  }

  @Test func resourceListWithoutFinalNewline() throws {
    let outcome = try fix("no-final-newline.in.yaml")
    try IntegrationGoldenFiles.check(outcome.output, against: "krm/no-final-newline.out.yaml")
    #expect(String(decoding: outcome.output, as: UTF8.self).contains("  apiVersion: v1\nresults:\n- message:"))
  }

  @Test func jsonResourceListGetsJSONResults() throws {
    let outcome = try fix("json.in.json")
    try IntegrationGoldenFiles.check(outcome.output, against: "krm/json.out.json")
    let object = try JSONSerialization.jsonObject(with: Data(outcome.output)) as? [String: Any]
    let results = try #require(object?["results"] as? [[String: Any]])
    #expect(results.count == 1)
    #expect((results[0]["field"] as? [String: Any])?["path"] as? String
      == "spec.trialTemplate.trialSpec.spec.template.spec.serviceAccountName")
  }

  @Test func anItemWithAnErrorIsLeftAsItIsAndTheOthersAreFixed() throws {
    let outcome = try fix("error-item.in.yaml")
    try IntegrationGoldenFiles.check(outcome.output, against: "krm/error-item.out.yaml")
    #expect(outcome.hasErrors)
    #expect(outcome.changes.count == 1)
    let text = String(decoding: outcome.output, as: UTF8.self)
    #expect(text.contains("severity: error"))
    #expect(text.contains("{\"random\": {\"image\": \"x\"},}"))
  }

  @Test func nothingToDoLeavesEveryByte() throws {
    let input = Array(
      """
      apiVersion: config.kubernetes.io/v1
      kind: ResourceList
      items:
      - apiVersion: v1
        kind: Service
        metadata: {name: s}
      functionConfig: {}

      """.utf8)
    let outcome = try #require(ResourceListFixer.fix(SourceText(path: "<stdin>", bytes: input)))
    #expect(outcome.output == input)
    #expect(outcome.diagnostics.isEmpty)
  }

  @Test func badFunctionConfigIsAnErrorResultAndNothingIsPatched() throws {
    let input = Array(
      """
      apiVersion: config.kubernetes.io/v1
      kind: ResourceList
      items:
      - apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
      functionConfig:
        apiVersion: katib-sa/v1
        kind: KatibServiceAccount
        metadata: {name: x}
        serviceaccount: typo

      """.utf8)
    let outcome = try #require(ResourceListFixer.fix(SourceText(path: "<stdin>", bytes: input)))
    #expect(outcome.hasErrors)
    #expect(outcome.changes.isEmpty)
    let text = String(decoding: outcome.output, as: UTF8.self)
    #expect(text.hasPrefix(String(decoding: input, as: UTF8.self)))
    #expect(text.contains("unknown field 'serviceaccount'"))
    #expect(text.contains("severity: error"))
  }

  @Test(arguments: [
    "apiVersion: v1\nkind: List\nitems: []\n",
    "apiVersion: v1\nkind: ResourceList\nitems: []\n",
    "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n---\napiVersion: v1\nkind: Service\n",
    "# Source: chart/templates/x.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ResourceList}\n",
    "kind: ResourceList\napiVersion: config.kubernetes.io/v1\nitems: [\n",
  ])
  func otherInputIsNotAResourceList(_ text: String) {
    #expect(ResourceListFixer.fix(SourceText(path: "<stdin>", bytes: Array(text.utf8))) == nil)
  }
}

@Suite struct ServiceAccountConfigTests {
  func load(_ text: String) throws(Diagnostic) -> FixOptions {
    try ServiceAccountConfig.load(SourceText(path: "config.yaml", bytes: Array(text.utf8)), base: FixOptions())
  }

  static let header = "apiVersion: katib-sa/v1\nkind: KatibServiceAccount\nmetadata:\n  name: irsa\n"

  @Test func fieldsAreRead() throws {
    let options = try load(Self.header + "serviceAccount: irsa-runner\nforce: true\n")
    #expect(options.serviceAccount == "irsa-runner")
    #expect(options.force)
    let defaults = try load(Self.header)
    #expect(defaults.serviceAccount == "default-editor")
    #expect(!defaults.force)
    #expect(try load(Self.header + "force: \"false\"\n").force == false)
  }

  @Test(arguments: [
    (header + "serviceAccount: Not_Valid\n", "is not a valid service account name"),
    (header + "serviceAccount: [a]\n", "is not a valid service account name"),
    (header + "force: yes please\n", "force must be true or false"),
    (header + "spec: {}\n", "unknown field 'spec'"),
    ("apiVersion: katib-sa/v2\nkind: KatibServiceAccount\n", "expected apiVersion 'katib-sa/v1'"),
    (header + "---\n" + header, "found 2 documents"),
  ])
  func mistakesAreErrors(_ text: String, _ message: String) {
    #expect {
      _ = try load(text)
    } throws: { error in
      (error as? Diagnostic)?.message.contains(message) == true
    }
  }

  @Test func wordingPointsAtTheConfigField() {
    let diagnostic = Diagnostic.warning("x is 'a', not 'b'; kept it (use --force to replace it)", at: nil)
    #expect(ServiceAccountConfig.configWording(diagnostic).message == "x is 'a', not 'b'; kept it (set force: true to replace it)")
  }
}

@Suite struct ResourceListDetectionTests {
  @Test(arguments: [
    ("ResourceList", true), ("kind: ResourceList\n", true), ("xxResourceLis", false),
    ("ResourceLisResourceList", true), ("", false), ("RRRResourceListt", true), ("resourcelist", false),
  ])
  func findsTheMarkerAnywhere(_ text: String, _ expected: Bool) {
    #expect(ResourceListFixer.contains(Array(text.utf8), ResourceListFixer.marker) == expected)
  }
}
