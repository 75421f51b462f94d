import Foundation
import Testing

@testable import KatibSACLI

/// The kustomize exec plugin: kustomize runs
/// `$XDG_CONFIG_HOME/kustomize/plugin/katib-sa/v1/katibserviceaccount/KatibServiceAccount CONFIG`.
@Suite struct KustomizePluginTests {
  static let katibConfig = """
    apiVersion: config.kubeflow.org/v1beta1
    kind: KatibConfig
    runtime:
      suggestions:
        - algorithmName: random
          image: ghcr.io/kubeflow/katib/suggestion-hyperopt:latest
        - algorithmName: enas
          image: ghcr.io/kubeflow/katib/suggestion-enas:latest
          resources:
            limits:
              memory: 400Mi
        - algorithmName: darts
          image: ghcr.io/kubeflow/katib/suggestion-darts:latest
          serviceAccountName: darts-runner

    """

  static func pluginConfig(account: String, force: Bool = false) -> String {
    """
    apiVersion: katib-sa/v1
    kind: KatibServiceAccount
    metadata:
      name: irsa
    serviceAccount: \(account)
    force: \(force)

    """
  }

  static let kustomization = """
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    namespace: kubeflow
    resources:
      - experiment.yaml
    configMapGenerator:
      - name: katib-config
        files:
          - katib-config.yaml
        options:
          disableNameSuffixHash: true
    transformers:
      - katib-sa.yaml

    """

  /// Installs the binary where kustomize looks for the plugin, as a symlink or a copy.
  /// Builds the test kustomization (an Experiment and a generated katib-config) with the plugin
  /// installed and configured by `config`, through the real `kubectl kustomize`.
  static func buildWithPlugin(config: String, copy: Bool = false) throws -> Integration.Run {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let xdg = try installPlugin(in: root, copy: copy)
    let app = root.appendingPathComponent("app")
    try Integration.write(kustomization, to: app.appendingPathComponent("kustomization.yaml"))
    try Integration.write(Integration.experiment, to: app.appendingPathComponent("experiment.yaml"))
    try Integration.write(katibConfig, to: app.appendingPathComponent("katib-config.yaml"))
    try Integration.write(config, to: app.appendingPathComponent("katib-sa.yaml"))
    return try Integration.run(
      Integration.kubectl!, ["kustomize", "--enable-alpha-plugins", app.path],
      environment: ["XDG_CONFIG_HOME": xdg.path, "HOME": root.path])
  }

  static func installPlugin(in root: URL, copy: Bool) throws -> URL {
    let directory = root.appendingPathComponent("xdg/kustomize/plugin/katib-sa/v1/katibserviceaccount")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let plugin = directory.appendingPathComponent("KatibServiceAccount")
    if copy {
      try FileManager.default.copyItem(at: Integration.binary, to: plugin)
    } else {
      try FileManager.default.createSymbolicLink(at: plugin, withDestinationURL: Integration.binary)
    }
    return root.appendingPathComponent("xdg")
  }

  static func count(_ needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
  }

  @Test(
    .enabled(if: Integration.kubectl != nil, "kubectl is not installed: the real kustomize build is skipped"),
    arguments: [false, true])
  func kubectlKustomizeRunsThePlugin(copy: Bool) throws {
    let run = try Self.buildWithPlugin(config: Self.pluginConfig(account: "irsa-runner"), copy: copy)
    #expect(run.status == 0, "\(run.errors)")
    let output = run.output
    // The pod template and two of the three suggestions get the account; darts keeps its own
    // (force: false), and nothing gets the default account.
    #expect(Self.count("serviceAccountName: irsa-runner", in: output) == 3, "\(output)")
    #expect(output.contains("serviceAccountName: darts-runner"))
    #expect(!output.contains("default-editor"))
    // kustomize re-serialises the Experiment (keys sorted); its pod spec has the account.
    let experiment = try #require(output.components(separatedBy: "---\n").first { $0.contains("kind: Experiment") })
    #expect(experiment.contains("restartPolicy: Never\n            serviceAccountName: irsa-runner\n"), "\(experiment)")
    // The suggestion inside the generated ConfigMap's katib-config.yaml block.
    #expect(output.contains(
      "        - algorithmName: random\n          serviceAccountName: irsa-runner\n          image: ghcr.io/kubeflow/katib/suggestion-hyperopt:latest\n"))
    #expect(output.contains("name: katib-config\n  namespace: kubeflow"))
  }

  @Test(.enabled(if: Integration.kubectl != nil, "kubectl is not installed: the real kustomize build is skipped"))
  func forceFromTheConfigReplacesAnAccount() throws {
    let run = try Self.buildWithPlugin(config: Self.pluginConfig(account: "irsa-runner", force: true), copy: false)
    #expect(run.status == 0, "\(run.errors)")
    #expect(Self.count("serviceAccountName: irsa-runner", in: run.output) == 4)
    #expect(!run.output.contains("darts-runner"))
  }

  @Test(.enabled(if: Integration.kubectl != nil, "kubectl is not installed: the real kustomize build is skipped"))
  func aBadConfigFailsTheBuild() throws {
    let run = try Self.buildWithPlugin(config: Self.pluginConfig(account: "Not_A_Name"), copy: false)
    #expect(run.status != 0)
    #expect(run.errors.contains("is not a valid service account name"), "\(run.errors)")
  }

  /// Examples/kustomize builds as its README says.
  @Test(.enabled(if: Integration.kubectl != nil, "kubectl is not installed: the real kustomize build is skipped"))
  func theExampleBuilds() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let xdg = try Self.installPlugin(in: root, copy: false)
    let example = Integration.packageRoot.appendingPathComponent("Examples/kustomize")
    let run = try Integration.run(
      Integration.kubectl!, ["kustomize", "--enable-alpha-plugins", example.path],
      environment: ["XDG_CONFIG_HOME": xdg.path, "HOME": root.path])
    #expect(run.status == 0, "\(run.errors)")
    // One pod template and three suggestion algorithms.
    #expect(Self.count("serviceAccountName: default-editor", in: run.output) == 4, "\(run.output)")
  }

  // MARK: The same contract without kustomize

  @Test func invokedAsKatibServiceAccount() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let config = root.appendingPathComponent("kust-plugin-config-1")
    try Integration.write(Self.pluginConfig(account: "irsa-runner"), to: config)
    let buffers = Integration.Buffers()
    let status = CLI.run(
      invokedAs: "/home/u/.config/kustomize/plugin/katib-sa/v1/katibserviceaccount/KatibServiceAccount",
      arguments: [config.path], streams: buffers.streams(input: Array(Integration.experiment.utf8)))
    #expect(status == .success)
    #expect(buffers.stdout == Integration.experiment.replacingOccurrences(
      of: "          spec:\n            containers:",
      with: "          spec:\n            serviceAccountName: irsa-runner\n            containers:"))
    // Plugin mode prints no summary: kustomize shows standard error only on failure anyway.
    #expect(buffers.stderr.isEmpty)
  }

  @Test func aConfigFileAsTheOnlyArgumentSelectsPluginMode() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let config = root.appendingPathComponent("config.yaml")
    try Integration.write(Self.pluginConfig(account: "irsa-runner"), to: config)
    let buffers = Integration.Buffers()
    let status = CLI.run(
      invokedAs: "katib-sa", arguments: [config.path],
      streams: buffers.streams(input: Array(Integration.experiment.utf8)), inputIsTerminal: false)
    #expect(status == .success)
    #expect(buffers.stdout.contains("serviceAccountName: irsa-runner"))

    // With standard input on a terminal, the file is just a file (with nothing to fix).
    let interactive = Integration.Buffers()
    #expect(
      CLI.run(invokedAs: "katib-sa", arguments: [config.path], streams: interactive.streams(), inputIsTerminal: true)
        == .success)
    #expect(interactive.stdout.isEmpty)
    #expect(interactive.stderr.contains("patched 0 pod templates in 0 of 1 file"))
    // The config file itself is not rewritten.
    #expect(try Integration.read(config) == Self.pluginConfig(account: "irsa-runner"))

    // A manifest as the only argument is still fixed in place.
    let manifest = root.appendingPathComponent("experiment.yaml")
    try Integration.write(Integration.experiment, to: manifest)
    let plain = Integration.Buffers()
    #expect(
      CLI.run(invokedAs: "katib-sa", arguments: [manifest.path], streams: plain.streams(), inputIsTerminal: false)
        == .success)
    #expect(plain.stdout.isEmpty)
    #expect(try Integration.read(manifest).contains("serviceAccountName: default-editor"))
  }

  @Test func pluginModeMistakes() throws {
    let name = "/p/KatibServiceAccount"
    let none = Integration.Buffers()
    #expect(CLI.run(invokedAs: name, arguments: [], streams: none.streams()) == .usage)
    #expect(none.stderr.contains("takes one argument"))

    let help = Integration.Buffers()
    #expect(CLI.run(invokedAs: name, arguments: ["--help"], streams: help.streams()) == .success)
    #expect(help.stdout.contains("kind: KatibServiceAccount"))

    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let config = root.appendingPathComponent("c.yaml")
    try Integration.write(Self.pluginConfig(account: "irsa") + "serviceaccount: typo\n", to: config)
    let bad = Integration.Buffers()
    #expect(CLI.run(invokedAs: name, arguments: [config.path], streams: bad.streams()) == .inputFailed)
    #expect(bad.stderr.contains("unknown field 'serviceaccount'"))
    #expect(bad.stdout.isEmpty)

    let missing = Integration.Buffers()
    #expect(CLI.run(invokedAs: name, arguments: [root.appendingPathComponent("nope").path], streams: missing.streams()) == .inputFailed)
  }

  @Test func warningsUseTheConfigWording() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let config = root.appendingPathComponent("c.yaml")
    try Integration.write(Self.pluginConfig(account: "irsa-runner"), to: config)
    let buffers = Integration.Buffers()
    let input = Integration.experiment.replacingOccurrences(
      of: "restartPolicy: Never", with: "restartPolicy: Never\n            serviceAccountName: mine")
    let status = CLI.run(
      invokedAs: "KatibServiceAccount", arguments: [config.path], streams: buffers.streams(input: Array(input.utf8)))
    #expect(status == .success)
    #expect(buffers.stdout == input)
    #expect(buffers.stderr.contains("(set force: true to replace it)"))
  }
}
