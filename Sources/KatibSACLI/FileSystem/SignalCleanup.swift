#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif
import Dispatch
import Synchronization

/// Removes staged temporary files when the process is interrupted.
///
/// Every temporary file an `AtomicBatchWriter` creates is registered here (it is created while the registry
/// lock is held, so no file can exist unregistered). After `install()`, SIGINT and SIGTERM are delivered to a
/// dispatch source instead of killing the process; the handler takes the lock, unlinks every registered path
/// and exits with 130 (SIGINT) or 143 (SIGTERM) without releasing the lock, so no new temporary file can be
/// created in between. Files left behind by SIGKILL keep the recognisable `.katib-sa-tmp.` infix.
public enum SignalCleanup {
  struct State {
    var paths: Set<String> = []
    var sources: [any DispatchSourceSignal] = []
    var installed = false
  }

  final class Registry: Sendable {
    let state = Mutex(State())
  }

  static let registry = Registry()

  /// Installs the SIGINT and SIGTERM handlers once; later calls do nothing.
  public static func install() {
    registry.state.withLock { state in
      guard !state.installed else { return }
      state.installed = true
      for (signalNumber, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
        // The default action would kill the process before the dispatch source sees the signal.
        _ = signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(
          signal: signalNumber, queue: DispatchQueue.global(qos: .userInitiated))
        source.setEventHandler { SignalCleanup.removeRegisteredFilesAndExit(status: status) }
        source.resume()
        state.sources.append(source)
      }
    }
  }

  /// Whether `install()` has run.
  public static var isInstalled: Bool { registry.state.withLock { $0.installed } }

  /// Creates a file with `open(path, flags, mode)` and registers it, atomically with respect to the signal
  /// handler. Returns the descriptor, or -1 and the `errno`.
  static func createRegisteredFile(path: String, flags: Int32, mode: mode_t) -> (fd: Int32, error: Int32)
  {
    registry.state.withLock { state in
      var fd: Int32
      repeat { fd = open(path, flags, mode) } while fd < 0 && errno == EINTR
      if fd < 0 { return (-1, errno) }
      state.paths.insert(path)
      return (fd, 0)
    }
  }

  /// Forgets `path` once it has been renamed into place or unlinked.
  static func unregister(_ path: String) {
    _ = registry.state.withLock { $0.paths.remove(path) }
  }

  /// Whether `path` is currently registered for removal on interruption.
  static func isRegistered(_ path: String) -> Bool {
    registry.state.withLock { $0.paths.contains(path) }
  }

  private static func removeRegisteredFilesAndExit(status: Int32) -> Never {
    registry.state.withLock { state -> Never in
      for path in state.paths { _ = unlink(path) }
      // Exits while holding the lock: a writer cannot create another temporary file afterwards.
      exit(status)
    }
  }
}
