import Dispatch
import Glibc
import KatibSA
import YAMLEdit

/// Where the command reads and writes; the real process streams, or buffers in tests.
public struct StandardStreams: Sendable {
  public var readInput: @Sendable () throws(Diagnostic) -> [UInt8]
  public var writeOutput: @Sendable ([UInt8]) -> Void
  public var writeError: @Sendable ([UInt8]) -> Void
  public var outputIsTerminal: Bool
  public var errorIsTerminal: Bool
  public var environment: [String: String]

  public static func process(environment: [String: String]) -> StandardStreams {
    StandardStreams(
      readInput: { () throws(Diagnostic) in try FileIO.readStandardInput() },
      writeOutput: { try? FileIO.writeAll(fd: 1, $0) },
      writeError: { try? FileIO.writeAll(fd: 2, $0) },
      outputIsTerminal: isatty(1) == 1, errorIsTerminal: isatty(2) == 1, environment: environment)
  }
}

/// The command line: parses options, feeds inputs through ``KatibFixer``, writes results.
public enum CLI {
  public enum ExitStatus: Int32 {
    case success = 0
    case changesNeeded = 1
    case inputFailed = 2
    case usage = 64
  }

  /// Runs the process's command line and returns its exit status.
  public static func main() -> Int32 {
    var environment: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
      let text = String(cString: entry)
      if let equals = text.firstIndex(of: "=") {
        environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
      }
      pointer += 1
    }
    SignalCleanup.install()
    let arguments = Array(CommandLine.arguments.dropFirst())
    let name = CommandLine.arguments.first ?? "katib-sa"
    return run(invokedAs: name, arguments: arguments, streams: .process(environment: environment)).rawValue
  }

  public static func run(arguments: [String], streams: StandardStreams) -> ExitStatus {
    let options: Options
    do {
      options = try Options.parse(arguments)
    } catch {
      streams.writeError(Array("katib-sa: error: \(error.message)\n\(Options.usage)\n".utf8))
      return .usage
    }
    if options.showHelp {
      streams.writeOutput(Array((Options.help + "\n").utf8))
      return .success
    }
    if options.showVersion {
      streams.writeOutput(Array((Options.version + "\n").utf8))
      return .success
    }
    var session = Session(options: options, streams: Session.humanStreams(options: options, streams: streams))
    if options.paths.isEmpty || options.paths == ["-"] {
      session.processStandardInput()
    } else {
      if options.paths.contains("-") {
        streams.writeError(Array("katib-sa: error: '-' (standard input) cannot be mixed with paths\n".utf8))
        return .usage
      }
      session.processPaths(options.paths)
    }
    session.printSummary()
    return session.writeReport(to: streams)
  }
}

/// The state of one run: counts, and the decision on the exit status.
struct Session {
  let options: Options
  let streams: StandardStreams
  var filesSeen = 0
  var filesChanged = 0
  var podTemplates = 0
  var suggestionAlgorithms = 0
  var failed = false
  /// Entries of `--report`, in input order.
  var reportEntries: [ReportEntry] = []
  let progress: ProgressLine?

  init(options: Options, streams: StandardStreams) {
    self.options = options
    progress = ProgressLine.make(options: options, streams: streams)
    self.streams = progress?.guarding(streams) ?? streams
  }

  var exitStatus: CLI.ExitStatus {
    if failed { return .inputFailed }
    if (options.mode == .check || options.checkToo) && filesChanged > 0 { return .changesNeeded }
    return .success
  }

  var useColor: Bool {
    streams.outputIsTerminal && streams.environment["NO_COLOR"].map { $0.isEmpty } ?? true
  }

  mutating func report(_ diagnostics: [Diagnostic]) {
    var text = ""
    for diagnostic in diagnostics {
      if diagnostic.severity == .error { failed = true }
      if options.quiet && diagnostic.severity == .note { continue }
      text += diagnostic.description + "\n"
    }
    if !text.isEmpty { streams.writeError(Array(text.utf8)) }
  }

  /// Counts a file whose new bytes were written (or, with --check and --diff, would be).
  mutating func countChanged(_ outcome: FixOutcome) {
    filesChanged += 1
    podTemplates += outcome.count(of: .podTemplate)
    suggestionAlgorithms += outcome.count(of: .suggestionAlgorithm)
  }

  mutating func processStandardInput() {
    let bytes: [UInt8]
    do {
      bytes = try streams.readInput()
    } catch {
      record(error, status: .error, path: "<stdin>")
      report([error])
      return
    }
    let outcome = Self.fixStandardInput(bytes, options: options)
    record(path: "<stdin>", outcome: outcome)
    report(outcome.diagnostics)
    filesSeen += 1
    // A KRM function's output also changes when only results were added.
    if outcome.isChanged && !outcome.changes.isEmpty { countChanged(outcome) }
    switch options.mode {
    case .fix: streams.writeOutput(outcome.output)
    case .diff:
      streams.writeOutput(
        UnifiedDiff.render(path: "<stdin>", original: outcome.original, modified: outcome.output, color: useColor))
    case .check:
      if outcome.isChanged { streams.writeError(Array("<stdin>: would be patched\n".utf8)) }
    }
  }

  /// One file's result, computed in parallel with others and reported in input order.
  struct FileResult: Sendable {
    var displayPath: String
    var realPath = ""
    var identity: FileIdentity?
    var outcome: FixOutcome?
    var readError: Diagnostic?
    /// In place, the new content already written next to the file by the worker, or why not.
    var temporary: Result<AtomicBatchWriter.TemporaryFile, Diagnostic>?
  }

  mutating func processPaths(_ paths: [String]) {
    let items = InputCollector.collect(paths)
    progress?.start(total: items.lazy.filter { if case .file = $0 { true } else { false } }.count)
    defer { progress?.finish() }
    let writer = AtomicBatchWriter()
    let chunkSize = 1024
    var start = 0
    // Chunks bound the memory held for results and the temp files a crash could leave behind.
    while start < items.count {
      let end = min(items.count, start + chunkSize)
      let chunk = items[start..<end]
      let files: [(displayPath: String, path: String)] = chunk.compactMap {
        if case .file(let displayPath, let path) = $0 { return (displayPath, path) }
        return nil
      }
      let results = Self.fixInParallel(files, options: options, progress: progress)
      var resultIndex = 0
      var staged: [FixOutcome] = []
      var stagedEntries: [Int?] = []
      for item in chunk {
        switch item {
        case .skipped(let note):
          record(note, status: .skipped)
          report([note])
        case .failed(let diagnostic):
          record(diagnostic, status: .error)
          report([diagnostic])
        case .standardInput: break
        case .file:
          let result = results[resultIndex]
          resultIndex += 1
          if let outcome = handle(result, writer: writer) {
            staged.append(outcome)
            stagedEntries.append(recordsReport ? reportEntries.count - 1 : nil)
          }
        }
      }
      if !staged.isEmpty {
        for ((outcome, entry), problem) in zip(zip(staged, stagedEntries), writer.commit()) {
          if let problem {
            recordFailure(entry: entry, problem)
            report([problem])
          } else {
            countChanged(outcome)
          }
        }
      }
      start = end
    }
  }

  /// Reports one file's result and acts on it; returns the outcome when a write was staged.
  mutating func handle(_ result: FileResult, writer: AtomicBatchWriter) -> FixOutcome? {
    if let error = result.readError {
      record(error, status: .error, path: result.displayPath)
      report([error])
      return nil
    }
    guard let outcome = result.outcome, let identity = result.identity else { return nil }
    record(path: result.displayPath, outcome: outcome)
    report(outcome.diagnostics)
    filesSeen += 1
    guard outcome.isChanged else { return nil }
    if options.mode != .fix { countChanged(outcome) }
    switch options.mode {
    case .check:
      let what = describe(podTemplates: outcome.count(of: .podTemplate), algorithms: outcome.count(of: .suggestionAlgorithm))
      streams.writeError(Array("\(result.displayPath): would patch \(what)\n".utf8))
    case .diff:
      streams.writeOutput(
        UnifiedDiff.render(path: result.displayPath, original: outcome.original, modified: outcome.output, color: useColor))
    case .fix:
      do throws(Diagnostic) {
        switch result.temporary {
        case .success(let file): try writer.adopt(file)
        case .failure(let error): throw error
        case nil:
          try writer.stage(
            displayPath: result.displayPath, realPath: result.realPath, bytes: outcome.output, original: identity)
        }
        return outcome
      } catch {
        recordFailure(entry: recordsReport ? reportEntries.count - 1 : nil, error)
        report([error])
      }
    }
    return nil
  }

  static func fixInParallel(
    _ files: [(displayPath: String, path: String)], options: Options, progress: ProgressLine? = nil
  ) -> [FileResult] {
    let results = IndexedResults<FileResult>(count: files.count)
    let jobs = options.jobs > 0 ? options.jobs : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let fixOptions = options.fix
    let writesInPlace = options.mode == .fix
    let work: @Sendable (Int) -> Void = { index in
      let (displayPath, path) = files[index]
      var result = FileResult(displayPath: displayPath)
      do throws(Diagnostic) {
        let (bytes, identity, realPath) = try FileIO.readRegularFile(displayPath: displayPath, path: path)
        result.identity = identity
        result.realPath = realPath
        let outcome = KatibFixer.fix(SourceText(path: displayPath, bytes: bytes), options: fixOptions)
        result.outcome = outcome
        // Creating the temporary file is most of a rewrite's cost; do it here, in parallel.
        if writesInPlace && outcome.isChanged {
          result.temporary = Result { () throws(Diagnostic) in
            try AtomicBatchWriter.writeTemporary(
              displayPath: displayPath, realPath: realPath, bytes: outcome.output, original: identity)
          }
        }
      } catch {
        result.readError = error
      }
      results.set(index, result)
      progress?.advance()
    }
    if jobs == 1 || files.count < 2 {
      for index in files.indices { work(index) }
    } else {
      let next = Counter()
      DispatchQueue.concurrentPerform(iterations: min(jobs, files.count)) { _ in
        while true {
          let index = next.increment()
          if index >= files.count { break }
          work(index)
        }
      }
    }
    return results.values()
  }

  func describe(podTemplates: Int, algorithms: Int) -> String {
    func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
    switch (podTemplates, algorithms) {
    case (_, 0): return plural(podTemplates, "pod template")
    case (0, _): return plural(algorithms, "suggestion algorithm")
    default: return "\(plural(podTemplates, "pod template")) and \(plural(algorithms, "suggestion algorithm"))"
    }
  }

  func printSummary() {
    guard !options.quiet else { return }
    let verb = options.mode == .fix ? "patched" : "would patch"
    let what = describe(podTemplates: podTemplates, algorithms: suggestionAlgorithms)
    let files = "\(filesChanged) of \(filesSeen) file\(filesSeen == 1 ? "" : "s")"
    streams.writeError(Array("\(verb) \(what) in \(files)\n".utf8))
  }
}
