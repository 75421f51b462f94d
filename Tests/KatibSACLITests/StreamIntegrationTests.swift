import Foundation
import Testing

@testable import KatibSACLI

/// Standard input with no arguments: the Helm post-renderer contract, and the KRM function
/// contract when the stream is a ResourceList.
@Suite struct HelmPostRendererTests {
  /// `helm install --post-renderer katib-sa`: rendered manifests on stdin, no arguments, stdout read.
  @Test func renderedManifestsComeBackWithOnlyTheInsertions() throws {
    let input = Array(try Data(contentsOf: Integration.goldens.appendingPathComponent("helm/rendered.yaml")))
    let run = try Integration.katibSA([], input: input)
    #expect(run.status == 0, "\(run.errors)")
    try Integration.checkGolden(run.stdout, "helm/rendered.expected.yaml")
    // Every line of the input is still there, in order, and the new ones are the account.
    let added = "serviceAccountName: default-editor"
    let kept = run.output.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { $0.trimmingCharacters(in: .whitespaces) != added }.joined(separator: "\n")
    #expect(Array(kept.utf8) == input)
    #expect(run.output.components(separatedBy: added).count - 1 == 5)
    #expect(run.output.hasPrefix("---\n# Source: katib/templates/serviceaccount.yaml\n"))
    #expect(run.errors.contains("patched 3 pod templates and 2 suggestion algorithms"))
  }

  @Test func aStreamThatCannotBeReadFailsWithTheInputUnchanged() throws {
    let input = Array("---\n# Source: c/templates/x.yaml\napiVersion: v1\nkind: ConfigMap\ndata: {a: [}\n".utf8)
    let run = try Integration.katibSA([], input: input)
    #expect(run.status == 2)
    #expect(run.stdout == input)
  }

  static let helmVersion: String? = {
    guard let helm = Integration.helm, let run = try? Integration.run(helm, ["version", "--short"]) else { return nil }
    return run.output
  }()

  /// The real Helm 3 (`helm template` accepts --post-renderer too), when installed.
  @Test(.enabled(if: helmVersion?.hasPrefix("v3.") == true, "helm 3 is not installed: the real post-renderer run is skipped"))
  func realHelmTemplateWithPostRenderer() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let chart = root.appendingPathComponent("katib")
    try Integration.write("apiVersion: v2\nname: katib\nversion: 0.17.0\n", to: chart.appendingPathComponent("Chart.yaml"))
    try Integration.write(Integration.experiment, to: chart.appendingPathComponent("templates/experiment.yaml"))
    let run = try Integration.run(
      Integration.helm!, ["template", "smoke", chart.path, "--post-renderer", Integration.binary.path],
      environment: ["HOME": root.path, "XDG_CACHE_HOME": root.path, "XDG_CONFIG_HOME": root.path])
    #expect(run.status == 0, "\(run.errors)")
    #expect(run.output.contains("serviceAccountName: default-editor"))
    #expect(run.output.contains("# Source: katib/templates/experiment.yaml"))
  }
}

@Suite struct KRMFunctionTests {
  static func resourceList(functionConfig: String) -> String {
    """
    apiVersion: config.kubernetes.io/v1
    kind: ResourceList
    items:
    - apiVersion: kubeflow.org/v1beta1
      kind: Experiment
      metadata:
        name: random
        annotations:
          config.kubernetes.io/path: 'experiment.yaml'
      spec:
        trialTemplate:
          trialSpec:
            apiVersion: batch/v1
            kind: Job
            spec:
              template:
                spec:
                  containers: [{name: c, image: i}]
    functionConfig:
    \(functionConfig)
    """
  }

  /// The binary with no arguments and a ResourceList on standard input.
  @Test func resourceListOnStandardInput() throws {
    let input = Self.resourceList(functionConfig: """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: function-input}
        data: {serviceAccount: irsa-runner}
      """)
    let run = try Integration.katibSA([], input: Array(input.utf8))
    #expect(run.status == 0, "\(run.errors)")
    #expect(run.output.hasPrefix(input.replacingOccurrences(
      of: "            spec:\n              containers:",
      with: "            spec:\n              serviceAccountName: irsa-runner\n              containers:")))
    #expect(run.output.contains("""
      results:
      - message: "set serviceAccountName: irsa-runner (pod template)"
        severity: info
      """))
    #expect(run.output.hasSuffix("  file:\n    path: experiment.yaml"))
  }

  @Test func anErrorResultExitsNonZeroWithTheResourceListOnStdout() throws {
    let input = Self.resourceList(functionConfig: """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: function-input}
        data: {serviceAccount: NOT_VALID}
      """)
    let run = try Integration.katibSA([], input: Array(input.utf8))
    #expect(run.status == 2)
    #expect(run.output.hasPrefix(input))
    #expect(run.output.contains("severity: error"))
    #expect(run.errors.contains("is not a valid service account name"))
  }

  @Test func checkAndDiffTreatAResourceListAsAPlainList() throws {
    let input = Self.resourceList(functionConfig: "  {}")
    let check = try Integration.katibSA(["--check"], input: Array(input.utf8))
    #expect(check.status == 1)
    #expect(check.stdout.isEmpty)
  }

  /// The real kpt, when installed (the Google Cloud SDK ships one).
  @Test(.enabled(if: Integration.kpt != nil, "kpt is not installed: the real `kpt fn eval --exec` run is skipped"))
  func kptFnEvalExec() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let package = root.appendingPathComponent("pkg")
    try Integration.write(Integration.experiment, to: package.appendingPathComponent("experiment.yaml"))
    // kpt wants metadata.name on every resource.
    let katibConfig = KustomizePluginTests.katibConfig.replacingOccurrences(
      of: "kind: KatibConfig\n", with: "kind: KatibConfig\nmetadata:\n  name: katib-config\n")
    try Integration.write(katibConfig, to: package.appendingPathComponent("config/katib-config.yaml"))
    let run = try Integration.run(
      Integration.kpt!,
      ["fn", "eval", package.path, "--exec", Integration.binary.path, "--", "serviceAccount=irsa-runner"],
      environment: ["HOME": root.path])
    #expect(run.status == 0, "\(run.output)\(run.errors)")
    let experiment = try Integration.read(package.appendingPathComponent("experiment.yaml"))
    // kpt writes the files back itself and places the new field by its own rules: the pod spec
    // gained the line, and nothing else changed.
    let line = "            serviceAccountName: irsa-runner\n"
    #expect(experiment.contains(line))
    #expect(experiment.replacingOccurrences(of: line, with: "") == Integration.experiment)
    let config = try Integration.read(package.appendingPathComponent("config/katib-config.yaml"))
    #expect(config.components(separatedBy: "serviceAccountName: irsa-runner").count - 1 == 2)
    #expect(config.contains("serviceAccountName: darts-runner"))
    // kpt prints our results: the kept account is a warning tied to its file.
    let shown = run.output + run.errors
    #expect(shown.contains("[warning]"), "\(shown)")
    #expect(shown.contains("darts-runner"))
  }
}
