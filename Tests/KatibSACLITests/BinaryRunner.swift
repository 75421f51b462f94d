import Foundation
import Glibc

/// Runs the built `katib-sa` binary with files for its standard streams, and reports its exit
/// status and peak memory (from `wait4`).
struct SpawnedRun {
  var status: Int32
  var signal: Int32?
  var stdout: [UInt8]
  var stderr: String
  var maxResidentKilobytes: Int
  var seconds: Double
}

enum SpawnedBinary {
  static var url: URL { Bundle.main.bundleURL.appendingPathComponent("katib-sa") }

  /// Starts the binary; standard input comes from `stdinPath` (or /dev/null), output goes to files
  /// in `directory`. Returns the pid.
  static func spawn(_ arguments: [String], stdinPath: String? = nil, directory: URL, tag: String = "run")
    -> pid_t
  {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(
      &actions, 1, directory.appendingPathComponent(".\(tag).stdout").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(
      &actions, 2, directory.appendingPathComponent(".\(tag).stderr").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([url.path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { envp.forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, url.path, &actions, nil, argv, envp)
    precondition(result == 0, "cannot start \(url.path): \(String(cString: strerror(result)))")
    return pid
  }

  /// Waits for `pid`; returns its status, the signal that ended it, and its peak RSS.
  static func wait(_ pid: pid_t) -> (status: Int32, signal: Int32?, maxRSS: Int) {
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let termSignal = status & 0x7F
    if termSignal != 0 { return (-1, termSignal, usage.ru_maxrss) }
    return ((status >> 8) & 0xFF, nil, usage.ru_maxrss)
  }

  /// Runs to completion, failing the test instead of hanging past `timeout` seconds.
  static func run(
    _ arguments: [String], stdin: [UInt8]? = nil, stdinPath: String? = nil, in directory: URL,
    timeout: Double = 60
  ) -> SpawnedRun {
    let tag = "run-\(UInt32.random(in: 0 ... .max))"
    var inputPath = stdinPath
    if let stdin {
      let path = directory.appendingPathComponent(".\(tag).stdin").path
      FileManager.default.createFile(atPath: path, contents: Data(stdin))
      inputPath = path
    }
    let clock = ContinuousClock()
    let start = clock.now
    let pid = spawn(arguments, stdinPath: inputPath, directory: directory, tag: tag)
    // A watchdog: kill the child if it runs too long, so a hang fails instead of blocking.
    let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
    let (status, signal, rss) = wait(pid)
    watchdog.cancel()
    let elapsed = clock.now - start
    let out = (try? Data(contentsOf: directory.appendingPathComponent(".\(tag).stdout"))) ?? Data()
    let err = (try? Data(contentsOf: directory.appendingPathComponent(".\(tag).stderr"))) ?? Data()
    for suffix in ["stdin", "stdout", "stderr"] {
      try? FileManager.default.removeItem(at: directory.appendingPathComponent(".\(tag).\(suffix)"))
    }
    return SpawnedRun(
      status: status, signal: signal, stdout: [UInt8](out), stderr: String(decoding: err, as: UTF8.self),
      maxResidentKilobytes: rss,
      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
  }
}

/// A fresh temporary directory per test, removed at the end.
final class ScratchDirectory {
  let url: URL
  init(_ label: String = "katib-sa-test") {
    let template = FileManager.default.temporaryDirectory.appendingPathComponent("\(label).XXXXXX").path
    var bytes = Array(template.utf8CString)
    let made = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(made != nil, "mkdtemp failed")
    url = URL(fileURLWithPath: String(cString: bytes))
  }
  deinit {
    // Read-only files inside do not stop root, and tests restore modes they change.
    try? FileManager.default.removeItem(at: url)
  }
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) -> String {
    let full = path(name)
    try? FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    precondition(FileManager.default.createFile(atPath: full, contents: Data(bytes)))
    return full
  }

  @discardableResult
  func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

  func read(_ name: String) -> [UInt8] {
    (try? [UInt8](Data(contentsOf: url.appendingPathComponent(name)))) ?? []
  }
}

/// `lstat` of a path.
func lstatOrFail(_ path: String) -> stat {
  var st = stat()
  precondition(lstat(path, &st) == 0, "lstat \(path)")
  return st
}
