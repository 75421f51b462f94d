import Foundation
import Testing

/// Paths shared by the tests: the repository, the bundled examples, the optional shared corpus.
enum Repository {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let examples = root.appendingPathComponent("Examples")
  /// `../shared/corpus` beside the checkout; absent in a user's fresh clone.
  static let corpus = root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
  static var hasCorpus: Bool { FileManager.default.fileExists(atPath: corpus.appendingPathComponent("katib").path) }
}

/// The `katib-sa` executable that `swift test` built next to the test bundle.
enum Binary {
  static let url = Bundle.main.bundleURL.appendingPathComponent("katib-sa")

  struct Result {
    var status: Int32
    var stdout: [UInt8]
    var stderr: [UInt8]
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  }

  /// Runs the binary to completion, feeding `input` on standard input.
  static func run(_ arguments: [String], in directory: URL? = nil, input: [UInt8] = [], environment: [String: String]? = nil) throws -> Result {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if let environment { process.environment = environment }
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    let writer = Thread {
      stdin.fileHandleForWriting.write(Data(input))
      try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let errorData = ErrorCollector(stderr.fileHandleForReading)
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(status: process.terminationStatus, stdout: [UInt8](out), stderr: errorData.finish())
  }

  /// Reads a pipe on its own thread so neither pipe can fill up and block the child.
  final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    init(_ handle: FileHandle) {
      Thread {
        self.data = handle.readDataToEndOfFile()
        self.done.signal()
      }.start()
    }
    func finish() -> [UInt8] {
      done.wait()
      return [UInt8](data)
    }
  }
}

/// A fresh directory per test: Swift Testing runs tests in parallel.
func makeTemporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("katib-sa-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Copies a tree and makes it writable (the shared corpus is read-only).
func copyWritable(_ source: URL, to destination: URL) throws {
  try FileManager.default.copyItem(at: source, to: destination)
  let enumerator = FileManager.default.enumerator(atPath: destination.path)
  while let relative = enumerator?.nextObject() as? String {
    let path = destination.appendingPathComponent(relative).path
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    let mode = (attributes[.posixPermissions] as? Int) ?? 0o644
    try FileManager.default.setAttributes([.posixPermissions: mode | 0o200], ofItemAtPath: path)
  }
}

/// Every regular file below `root`, as paths relative to it, sorted.
func relativeFiles(below root: URL) -> [String] {
  var files: [String] = []
  let enumerator = FileManager.default.enumerator(atPath: root.path)
  while let relative = enumerator?.nextObject() as? String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      files.append(relative)
    }
  }
  return files.sorted()
}

func bytes(of url: URL) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: url.path) ?? Data()) }
