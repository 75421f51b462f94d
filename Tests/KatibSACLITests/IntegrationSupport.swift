import Foundation
import Testing

@testable import KatibSACLI

/// Helpers for tests that run the built binary and the real tools around it.
enum Integration {
  /// The package root, found from this file's path.
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static let goldens = packageRoot.appendingPathComponent("Tests/Goldens/integrations")

  /// `<products dir>/katib-sa`: in `swift test` on Linux, the main bundle is the products directory.
  static var binary: URL {
    Bundle.main.bundleURL.appendingPathComponent("katib-sa")
  }

  static let environment = ProcessInfo.processInfo.environment

  /// An executable on PATH (or at one of `fallbacks`), for tools the tests drive when present.
  static func tool(_ name: String, fallbacks: [String] = []) -> URL? {
    let directories = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
    for candidate in directories.map({ "\($0)/\(name)" }) + fallbacks
    where FileManager.default.isExecutableFile(atPath: candidate) {
      return URL(fileURLWithPath: candidate)
    }
    return nil
  }

  static let kubectl = tool("kubectl")
  static let kpt = tool("kpt", fallbacks: ["/usr/lib/google-cloud-sdk/bin/kpt"])
  static let preCommit = tool("pre-commit")
  static let helm = tool("helm")
  static let git = tool("git")

  /// A fresh directory for one test; tests run in parallel, so nothing is shared.
  static func temporaryDirectory(_ label: String = #function) throws -> URL {
    let safe = label.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("katib-sa-int-\(safe)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  struct Run {
    var status: Int32
    var stdout: [UInt8]
    var stderr: [UInt8]
    var output: String { String(decoding: stdout, as: UTF8.self) }
    var errors: String { String(decoding: stderr, as: UTF8.self) }
  }

  /// Runs a program with `input` on standard input, capturing both outputs through files (no pipe
  /// can fill up), in `directory`, with `environment` added to this process's.
  static func run(
    _ executable: URL, _ arguments: [String] = [], input: [UInt8] = [], in directory: URL? = nil,
    environment extra: [String: String] = [:], replacingEnvironment: Bool = false
  ) throws -> Run {
    let scratch = try temporaryDirectory("io")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let inURL = scratch.appendingPathComponent("stdin")
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    try Data(input).write(to: inURL)
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let stdin = try FileHandle(forReadingFrom: inURL)
    let stdout = try FileHandle(forWritingTo: outURL)
    let stderr = try FileHandle(forWritingTo: errURL)
    defer {
      try? stdin.close()
      try? stdout.close()
      try? stderr.close()
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    if let directory { process.currentDirectoryURL = directory }
    var merged = replacingEnvironment ? [:] : Self.environment
    merged.merge(extra) { $1 }
    process.environment = merged
    try process.run()
    process.waitUntilExit()
    return Run(
      status: process.terminationStatus, stdout: Array(try Data(contentsOf: outURL)),
      stderr: Array(try Data(contentsOf: errURL)))
  }

  /// Runs the built katib-sa.
  static func katibSA(
    _ arguments: [String] = [], input: [UInt8] = [], in directory: URL? = nil, environment: [String: String] = [:]
  ) throws -> Run {
    try run(binary, arguments, input: input, in: directory, environment: environment)
  }

  static func write(_ text: String, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }

  static func read(_ url: URL) throws -> String {
    String(decoding: try Data(contentsOf: url), as: UTF8.self)
  }

  /// Golden files, compared byte for byte; `UPDATE_GOLDENS=1` rewrites them.
  static func checkGolden(
    _ actual: [UInt8], _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws {
    let url = goldens.appendingPathComponent(name)
    if environment["UPDATE_GOLDENS"] == "1" {
      try Data(actual).write(to: url)
      return
    }
    let expected = Array(try Data(contentsOf: url))
    #expect(
      actual == expected, "differs from \(name):\n\(String(decoding: actual, as: UTF8.self))",
      sourceLocation: sourceLocation)
  }

  /// In-process runs of the command with buffered streams.
  final class Buffers: @unchecked Sendable {
    private let lock = NSLock()
    private var out: [UInt8] = []
    private var err: [UInt8] = []
    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    func streams(
      input: [UInt8] = [], outputIsTerminal: Bool = false, errorIsTerminal: Bool = false,
      environment: [String: String] = [:]
    ) -> StandardStreams {
      StandardStreams(
        readInput: { input },
        writeOutput: { bytes in self.lock.withLock { self.out += bytes } },
        writeError: { bytes in self.lock.withLock { self.err += bytes } },
        outputIsTerminal: outputIsTerminal, errorIsTerminal: errorIsTerminal, environment: environment)
    }
  }

  static let experiment = """
    apiVersion: kubeflow.org/v1beta1
    kind: Experiment
    metadata:
      name: random
      namespace: kubeflow
    spec:
      algorithm:
        algorithmName: random
      trialTemplate:
        primaryContainerName: training
        trialSpec:
          apiVersion: batch/v1
          kind: Job
          spec:
            template:
              spec:
                containers:
                  - name: training
                    image: example.com/train:1
                restartPolicy: Never

    """
}
