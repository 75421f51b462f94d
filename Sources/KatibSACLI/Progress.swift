/// A one-line "files done / total" indicator on a terminal's standard error, shown only once a
/// run has lasted `delay`, redrawn at most every `interval`, and wiped before any other message.
///
/// Worker threads call ``advance()``; everything is under one lock.
final class ProgressLine: @unchecked Sendable {
  typealias Instant = ContinuousClock.Instant
  private let write: @Sendable ([UInt8]) -> Void
  private let now: @Sendable () -> Instant
  private let lock = ThreadLock()
  var delay: Duration = .seconds(1)
  var interval: Duration = .milliseconds(100)
  private var started: Instant?
  private var lastDrawn: Instant?
  private var done = 0
  private var total = 0
  /// Characters currently shown; 0 when the line is clear.
  private var shownWidth = 0

  init(write: @escaping @Sendable ([UInt8]) -> Void, now: @escaping @Sendable () -> Instant = { ContinuousClock.now }) {
    self.write = write
    self.now = now
  }

  /// A progress line for this run, or `nil` when standard error is not a terminal (or `--quiet`).
  static func make(options: Options, streams: StandardStreams) -> ProgressLine? {
    guard streams.errorIsTerminal, !options.quiet, streams.environment["TERM"] != "dumb" else { return nil }
    return ProgressLine(write: streams.writeError)
  }

  /// `streams` with a standard error (and a standard output on a terminal, which may be the same
  /// screen) that first wipes the progress line.
  func guarding(_ streams: StandardStreams) -> StandardStreams {
    var guarded = streams
    guarded.writeError = { [self] bytes in
      lock.locked {
        clearLocked()
        write(bytes)
      }
    }
    if streams.outputIsTerminal {
      let writeOutput = streams.writeOutput
      guarded.writeOutput = { [self] bytes in
        lock.locked {
          clearLocked()
          writeOutput(bytes)
        }
      }
    }
    return guarded
  }

  func start(total: Int) {
    lock.locked {
      self.total = total
      done = 0
      started = now()
      lastDrawn = nil
    }
  }

  /// One more file done.
  func advance() {
    lock.locked {
      done += 1
      guard let started, done < total else { return }
      let time = now()
      guard time - started >= delay else { return }
      if let lastDrawn, time - lastDrawn < interval { return }
      lastDrawn = time
      let text = "katib-sa: \(done)/\(total) files"
      let padding = String(repeating: " ", count: max(0, shownWidth - text.count))
      write(Array("\r\(text)\(padding)\r".utf8))
      shownWidth = text.count
    }
  }

  /// Wipes the line at the end of the run.
  func finish() {
    lock.locked {
      clearLocked()
      started = nil
    }
  }

  private func clearLocked() {
    guard shownWidth > 0 else { return }
    write(Array(("\r" + String(repeating: " ", count: shownWidth) + "\r").utf8))
    shownWidth = 0
  }
}
