import Foundation
import Testing

@testable import KatibSACLI

/// `kubectl-katib_sa` on PATH makes `kubectl katib-sa …` work.
@Suite struct KubectlPluginTests {
  @Test(.enabled(if: Integration.kubectl != nil, "kubectl is not installed: the kubectl plugin test is skipped"))
  func kubectlRunsThePlugin() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let bin = root.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let plugin = bin.appendingPathComponent("kubectl-katib_sa")
    try FileManager.default.createSymbolicLink(at: plugin, withDestinationURL: Integration.binary)
    let kubectlDirectory = Integration.kubectl!.deletingLastPathComponent().path
    let environment = [
      "PATH": "\(bin.path):\(kubectlDirectory):/usr/local/bin:/usr/bin:/bin", "HOME": root.path,
      "KUBECONFIG": root.appendingPathComponent("no-kubeconfig").path,
    ]
    func kubectl(_ arguments: [String], input: [UInt8] = []) throws -> Integration.Run {
      try Integration.run(Integration.kubectl!, arguments, input: input, in: root, environment: environment)
    }

    let list = try kubectl(["plugin", "list"])
    #expect(list.status == 0, "\(list.errors)")
    #expect(list.output.contains(plugin.path), "\(list.output)")
    #expect(!list.errors.contains("warning"), "\(list.errors)")

    let version = try kubectl(["katib-sa", "--version"])
    #expect(version.output == Options.version + "\n")

    let manifest = root.appendingPathComponent("experiment.yaml")
    try Integration.write(Integration.experiment, to: manifest)
    let check = try kubectl(["katib-sa", "--check", "experiment.yaml"])
    #expect(check.status == 1)
    #expect(check.errors.contains("experiment.yaml: would patch 1 pod template"))

    let fix = try kubectl(["katib-sa", "--service-account", "irsa-runner", "experiment.yaml"])
    #expect(fix.status == 0, "\(fix.errors)")
    #expect(try Integration.read(manifest).contains("serviceAccountName: irsa-runner"))
    #expect(try kubectl(["katib-sa", "--check", "--service-account", "irsa-runner", "experiment.yaml"]).status == 0)

    // As a filter: kubectl get … -o yaml | kubectl katib-sa | kubectl apply -f -
    let filter = try kubectl(["katib-sa"], input: Array(Integration.experiment.utf8))
    #expect(filter.status == 0)
    #expect(filter.output.contains("serviceAccountName: default-editor"))
  }
}

/// `.pre-commit-hooks.yaml` at the repository root, and a run of the real pre-commit.
@Suite struct PreCommitHookTests {
  static let hooksFile = Integration.packageRoot.appendingPathComponent(".pre-commit-hooks.yaml")

  @Test func hooksFileDeclaresTheCheckHook() throws {
    let text = try Integration.read(Self.hooksFile)
    #expect(text.contains("- id: katib-sa\n"))
    #expect(text.contains("  entry: katib-sa --check\n"))
    #expect(text.contains("  language: swift\n"))
    #expect(text.contains("  files: \\.(ya?ml|json)$\n"))
  }

  /// The hooks of `.pre-commit-hooks.yaml` as a `repo: local` block running the built binary
  /// (`language: system`): `language: swift` would build the package from scratch in pre-commit's
  /// cache, which takes minutes (see `languageSwiftBuildsTheHook`).
  static func localConfig() throws -> String {
    let hooks = try Integration.read(hooksFile)
      .split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("#") && !$0.isEmpty }
      .map { line -> String in
        var line = String(line)
        line = line.replacingOccurrences(of: "entry: katib-sa", with: "entry: \(Integration.binary.path)")
        line = line.replacingOccurrences(of: "language: swift", with: "language: system")
        return "    " + line
      }
    return "repos:\n  - repo: local\n    hooks:\n" + hooks.joined(separator: "\n") + "\n"
  }

  static func gitEnvironment(_ root: URL) -> [String: String] {
    [
      "HOME": root.path, "PRE_COMMIT_HOME": root.appendingPathComponent("pre-commit-home").path,
      "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
      "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    ]
  }

  @Test(
    .enabled(if: Integration.preCommit != nil, "pre-commit is not installed (pip install pre-commit): skipped"),
    .enabled(if: Integration.git != nil, "git is not installed: skipped"))
  func commitFailsOnAnUnpatchedExperimentAndPassesOncePatched() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let repository = root.appendingPathComponent("repo")
    try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
    let environment = Self.gitEnvironment(root)
    func git(_ arguments: [String]) throws -> Integration.Run {
      try Integration.run(Integration.git!, arguments, in: repository, environment: environment)
    }
    func preCommit(_ arguments: [String]) throws -> Integration.Run {
      try Integration.run(Integration.preCommit!, arguments, in: repository, environment: environment)
    }
    #expect(try git(["init", "-q", "-b", "main"]).status == 0)
    let configText = try Self.localConfig()
    try Integration.write(configText, to: repository.appendingPathComponent(".pre-commit-config.yaml"))
    try Integration.write("# manifests\n", to: repository.appendingPathComponent("README.md"))
    try Integration.write(
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n", to: repository.appendingPathComponent("service.yaml"))
    #expect(try git(["add", "."]).status == 0)
    let install = try preCommit(["install"])
    #expect(install.status == 0, "\(install.output)\(install.errors)")
    let first = try git(["commit", "-q", "-m", "no Katib manifests yet"])
    #expect(first.status == 0, "\(first.output)\(first.errors)\n\(configText)")

    let manifest = repository.appendingPathComponent("experiments/random.yaml")
    try Integration.write(Integration.experiment, to: manifest)
    #expect(try git(["add", "experiments/random.yaml"]).status == 0)
    let refused = try git(["commit", "-q", "-m", "unpatched"])
    #expect(refused.status != 0)
    #expect((refused.output + refused.errors).contains("experiments/random.yaml: would patch 1 pod template"))
    #expect(try git(["rev-list", "--count", "HEAD"]).output == "1\n")

    let fix = try Integration.katibSA(["experiments/random.yaml"], in: repository)
    #expect(fix.status == 0)
    #expect(try git(["add", "experiments/random.yaml"]).status == 0)
    let accepted = try git(["commit", "-q", "-m", "patched"])
    #expect(accepted.status == 0, "\(accepted.output)\(accepted.errors)")
    #expect(try git(["rev-list", "--count", "HEAD"]).output == "2\n")

    // The fixing hook patches the file and fails, so the change can be staged.
    try Integration.write(Integration.experiment, to: repository.appendingPathComponent("experiments/grid.yaml"))
    #expect(try git(["add", "experiments/grid.yaml"]).status == 0)
    let fixing = try preCommit(["run", "katib-sa-fix"])
    #expect(fixing.status != 0)
    #expect(fixing.output.contains("files were modified by this hook"), "\(fixing.output)")
    #expect(try Integration.read(repository.appendingPathComponent("experiments/grid.yaml")).contains("default-editor"))
  }

  /// `language: swift` as published: pre-commit clones this repository and builds it (minutes on
  /// two cores), so it runs only with KATIB_SA_PRECOMMIT_SWIFT=1.
  @Test(
    .enabled(
      if: Integration.environment["KATIB_SA_PRECOMMIT_SWIFT"] == "1" && Integration.preCommit != nil,
      "set KATIB_SA_PRECOMMIT_SWIFT=1 (and install pre-commit) to build the hook with language: swift"))
  func languageSwiftBuildsTheHook() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let repository = root.appendingPathComponent("repo")
    try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
    let environment = Self.gitEnvironment(root)
    #expect(try Integration.run(Integration.git!, ["init", "-q"], in: repository, environment: environment).status == 0)
    try Integration.write(Integration.experiment, to: repository.appendingPathComponent("experiment.yaml"))
    let run = try Integration.run(
      Integration.preCommit!,
      ["try-repo", Integration.packageRoot.path, "katib-sa", "--files", "experiment.yaml"],
      in: repository, environment: environment)
    #expect(run.status == 1, "\(run.output)\(run.errors)")
    #expect(run.output.contains("experiment.yaml: would patch 1 pod template"), "\(run.output)")
  }
}
