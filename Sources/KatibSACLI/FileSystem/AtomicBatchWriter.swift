#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif
import CSystemShims
import Dispatch
import Foundation
import YAMLEdit

/// Replaces many files durably and cheaply: every new content is first written to a temporary file next to
/// its target (`stage`), then all temporary files are flushed to disk together and renamed over their
/// targets (`commit`). A target is never truncated or written in place, so an interruption leaves either the
/// old or the new bytes, never a mix.
public final class AtomicBatchWriter {
  /// The infix that marks our temporary files, also for files a SIGKILL leaves behind.
  public static let temporaryInfix = ".katib-sa-tmp."

  struct Staged {
    var displayPath: String
    var realPath: String
    var temporaryPath: String
    var original: FileIdentity
    /// Set once the temporary file has been renamed into place or removed.
    var finished = false
  }

  private var staged: [Staged] = []
  private var stagedRealPaths: [String: String] = [:]

  public init() {}

  deinit { discardAll() }

  /// The temporary paths currently staged and not yet committed or discarded.
  public var pendingTemporaryPaths: [String] {
    staged.filter { !$0.finished }.map(\.temporaryPath)
  }

  /// A temporary file holding a file's new content, written but not yet renamed into place.
  public struct TemporaryFile: Sendable {
    let displayPath: String
    let realPath: String
    let temporaryPath: String
    let original: FileIdentity
  }

  /// Writes the new content of one file to a temporary file next to it and stages it; see
  /// ``writeTemporary(displayPath:realPath:bytes:original:)`` and ``adopt(_:)``.
  public func stage(displayPath: String, realPath: String, bytes: [UInt8], original: FileIdentity)
    throws(Diagnostic)
  {
    try checkNotStaged(displayPath: displayPath, realPath: realPath)
    try adopt(Self.writeTemporary(displayPath: displayPath, realPath: realPath, bytes: bytes, original: original))
  }

  /// Stages a temporary file written (perhaps on another thread) by ``writeTemporary``. Refuses a file
  /// already staged under another name, removing the temporary file.
  public func adopt(_ file: TemporaryFile) throws(Diagnostic) {
    do {
      try checkNotStaged(displayPath: file.displayPath, realPath: file.realPath)
    } catch {
      _ = unlink(file.temporaryPath)
      SignalCleanup.unregister(file.temporaryPath)
      throw error
    }
    staged.append(
      Staged(
        displayPath: file.displayPath, realPath: file.realPath, temporaryPath: file.temporaryPath,
        original: file.original))
    stagedRealPaths[file.realPath] = file.displayPath
  }

  private func checkNotStaged(displayPath: String, realPath: String) throws(Diagnostic) {
    if let first = stagedRealPaths[realPath] {
      throw FileIO.fileError(
        displayPath,
        first == displayPath
          ? "file is given more than once; it is written only once"
          : "file is the same as '\(first)'; it is written only once")
    }
  }

  /// Creates `<dir>/.<name>.katib-sa-tmp.<random>` next to `realPath` (with `O_CREAT|O_EXCL|O_NOFOLLOW`,
  /// mode 0600), writes `bytes` to it and gives it the original permissions (and owner and group when
  /// running as root). Safe to call from several threads: file creation is the costly part of a
  /// rewrite, and files in different directories can be created at the same time. On any error the
  /// temporary file is removed.
  ///
  /// Refuses read-only targets (no write bit for anyone, even as root) and targets with several hard
  /// links (replacing one name would split the link).
  public static func writeTemporary(displayPath: String, realPath: String, bytes: [UInt8], original: FileIdentity)
    throws(Diagnostic) -> TemporaryFile
  {
    func fail(_ message: String) -> Diagnostic { FileIO.fileError(displayPath, message) }
    guard original.isRegularFile else {
      throw fail("not a regular file; only regular files can be patched, not written")
    }
    if original.mode & 0o222 == 0 {
      throw fail(
        "file is read-only; not written (make it writable, e.g. 'chmod u+w \(displayPath)', to let katib-sa change it)"
      )
    }
    if original.linkCount > 1 {
      throw fail(
        "file has \(original.linkCount) hard links; not written, because replacing it would split the link (copy the file to break the link first if you mean to change only this name)"
      )
    }
    let directory = POSIX.directoryName(realPath)
    let baseName = POSIX.baseName(realPath)
    var fd: Int32 = -1
    var temporaryPath = ""
    for _ in 0..<16 {
      let suffix = String(UInt64.random(in: .min ... .max), radix: 16)
      temporaryPath = "\(directory == "/" ? "" : directory)/.\(baseName)\(Self.temporaryInfix)\(suffix)"
      let created = SignalCleanup.createRegisteredFile(
        path: temporaryPath, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
      if created.fd >= 0 {
        fd = created.fd
        break
      }
      if created.error == EEXIST { continue }
      throw fail(Self.createFailureMessage(created.error, directory: directory))
    }
    guard fd >= 0 else {
      throw fail("cannot create a temporary file in '\(directory)': too many name collisions; not written")
    }

    func removeTemporary() {
      _ = unlink(temporaryPath)
      SignalCleanup.unregister(temporaryPath)
    }

    do {
      try FileIO.writeAllOrErrno(fd: fd, bytes)
    } catch {
      POSIX.closeIgnoringErrors(fd)
      removeTemporary()
      let hint = error.code == ENOSPC || error.code == EDQUOT ? "; free some space and try again" : ""
      throw fail("cannot write the new content to '\(directory)': \(error.text)\(hint); not written")
    }

    // Owner first: changing it clears the set-user-ID and set-group-ID bits that fchmod then restores.
    if getuid() == 0 || geteuid() == 0 {
      if fchown(fd, uid_t(original.uid), gid_t(original.gid)) != 0 {
        let code = errno
        POSIX.closeIgnoringErrors(fd)
        removeTemporary()
        throw fail("cannot give the new file the original owner: \(POSIX.describe(code)); not written")
      }
    } else if original.gid != UInt32(getegid()) {
      // Keeping the group works when we belong to it; otherwise the file gets our group, as any editor does.
      _ = fchown(fd, uid_t.max, gid_t(original.gid))
    }
    if fchmod(fd, mode_t(original.permissions)) != 0 {
      let code = errno
      POSIX.closeIgnoringErrors(fd)
      removeTemporary()
      throw fail("cannot give the new file the original mode: \(POSIX.describe(code)); not written")
    }
    if close(fd) != 0 && errno != EINTR {
      let code = errno
      removeTemporary()
      throw fail("cannot write the new content to '\(directory)': \(POSIX.describe(code)); not written")
    }

    return TemporaryFile(displayPath: displayPath, realPath: realPath, temporaryPath: temporaryPath, original: original)
  }

  private static func createFailureMessage(_ code: Int32, directory: String) -> String {
    switch code {
    case EACCES, EPERM:
      "cannot create a temporary file in '\(directory)': \(POSIX.describe(code)); make the directory writable; not written"
    case EROFS:
      "cannot create a temporary file in '\(directory)': the file system is read-only; not written"
    case ENOSPC, EDQUOT:
      "cannot create a temporary file in '\(directory)': \(POSIX.describe(code)); free some space and try again; not written"
    default:
      "cannot create a temporary file in '\(directory)': \(POSIX.describe(code)); not written"
    }
  }

  /// Makes every staged temporary file durable (their `fsync`s run on a few threads at once, so the file
  /// system can group them), then for each staged file in staging order: checks that the target is still
  /// the file that was read, and renames the temporary file over it. Finally syncs each distinct parent
  /// directory once, so the renames themselves survive a crash.
  ///
  /// Returns one result per staged file, in staging order: `nil` when the file was replaced, otherwise the
  /// error. After `commit` no temporary file of this batch remains.
  public func commit() -> [Diagnostic?] {
    var results = [Diagnostic?](repeating: nil, count: staged.count)
    let pending = staged.indices.filter { !staged[$0].finished }

    let syncErrors = Self.syncFiles(pending.map { staged[$0].temporaryPath })
    var renamedDirectories: [String: [Int]] = [:]
    var directoryOrder: [String] = []

    for (position, index) in pending.enumerated() {
      let item = staged[index]
      func fail(_ message: String) {
        _ = unlink(item.temporaryPath)
        SignalCleanup.unregister(item.temporaryPath)
        staged[index].finished = true
        results[index] = FileIO.fileError(item.displayPath, message)
      }
      if let code = syncErrors[position] {
        fail("cannot flush the new content to disk: \(POSIX.describe(code)); not written")
        continue
      }
      switch POSIX.lstatPath(item.realPath) {
      case .failure(let error):
        if error.code == ENOENT {
          fail("file was removed while katib-sa was running; not written")
        } else {
          fail("cannot check the file before replacing it: \(error.text); not written")
        }
        continue
      case .success(let current):
        if FileIdentity(current) != item.original {
          fail("file changed on disk while katib-sa was running; not written (run katib-sa again)")
          continue
        }
      }
      if rename(item.temporaryPath, item.realPath) != 0 {
        fail("cannot replace the file: \(POSIX.describe(errno)); not written")
        continue
      }
      SignalCleanup.unregister(item.temporaryPath)
      staged[index].finished = true
      let directory = POSIX.directoryName(item.realPath)
      if renamedDirectories[directory] == nil { directoryOrder.append(directory) }
      renamedDirectories[directory, default: []].append(index)
    }

    // The renames are durable once their directories are: again one syncfs per file system, with
    // a directory fsync only where that fails.
    let flushedByFileSystem = Set(
      Self.groupedByFileSystem(directoryOrder.map { $0 + "/." }).filter {
        Self.syncFileSystem(containing: directoryOrder[$0[0]] + "/.") == nil
      }.flatMap { $0 })
    for (position, directory) in directoryOrder.enumerated() where !flushedByFileSystem.contains(position) {
      if let code = Self.syncDirectory(directory) {
        for index in renamedDirectories[directory] ?? [] {
          results[index] = FileIO.fileError(
            staged[index].displayPath,
            "file was replaced, but its directory '\(directory)' could not be flushed to disk: \(POSIX.describe(code)); the change may not survive a crash"
          )
        }
      }
    }

    staged.removeAll()
    stagedRealPaths.removeAll()
    return results
  }

  /// Removes every staged temporary file that was not committed.
  public func discardAll() {
    for item in staged where !item.finished {
      _ = unlink(item.temporaryPath)
      SignalCleanup.unregister(item.temporaryPath)
    }
    staged.removeAll()
    stagedRealPaths.removeAll()
  }

  /// Makes every path durable; returns the `errno` of each failure, by position.
  ///
  /// One `syncfs` per file system flushes all of them together, which costs far less than one
  /// `fsync` each. If a `syncfs` fails, its files are `fsync`ed one by one to find which failed.
  private static func syncFiles(_ paths: [String]) -> [Int32?] {
    guard !paths.isEmpty else { return [] }
    var results = [Int32?](repeating: nil, count: paths.count)
    let unsynced = groupedByFileSystem(paths).filter { syncFileSystem(containing: paths[$0[0]]) != nil }
      .flatMap { $0 }
    if unsynced.isEmpty { return results }
    let fallback = IndexedResults<Int32?>(count: unsynced.count)
    let workers = min(unsynced.count, 8)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for position in stride(from: worker, to: unsynced.count, by: workers) {
        fallback.set(position, syncFile(paths[unsynced[position]]))
      }
    }
    let fallbackValues = fallback.values()
    for (position, index) in unsynced.enumerated() { results[index] = fallbackValues[position] }
    return results
  }

  /// Positions of `paths` grouped by the device of their directory, in first-seen order.
  static func groupedByFileSystem(_ paths: [String]) -> [[Int]] {
    var groups: [UInt64: Int] = [:]
    var result: [[Int]] = []
    for (index, path) in paths.enumerated() {
      var info = stat()
      let device = stat(POSIX.directoryName(path), &info) == 0 ? UInt64(info.st_dev) : UInt64.max - UInt64(index)
      if let group = groups[device] {
        result[group].append(index)
      } else {
        groups[device] = result.count
        result.append([index])
      }
    }
    return result
  }

  /// `syncfs` on the file system holding `path`; the `errno` on failure.
  static func syncFileSystem(containing path: String) -> Int32? {
    var fd: Int32
    repeat { fd = open(POSIX.directoryName(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC) } while fd < 0 && errno == EINTR
    if fd < 0 { return errno }
    defer { POSIX.closeIgnoringErrors(fd) }
    return katib_sa_syncfs(fd) == 0 ? nil : errno
  }

  private static func syncFile(_ path: String) -> Int32? {
    var fd: Int32
    repeat { fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) } while fd < 0 && errno == EINTR
    if fd < 0 { return errno }
    defer { POSIX.closeIgnoringErrors(fd) }
    while fsync(fd) != 0 {
      if errno != EINTR { return errno }
    }
    return nil
  }

  private static func syncDirectory(_ path: String) -> Int32? {
    var fd: Int32
    repeat { fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } while fd < 0 && errno == EINTR
    if fd < 0 { return errno }
    defer { POSIX.closeIgnoringErrors(fd) }
    while fsync(fd) != 0 {
      let code = errno
      if code == EINTR { continue }
      // Some file systems cannot sync directories; their renames are as durable as they get.
      if code == EINVAL || code == ENOTSUP { return nil }
      return code
    }
    return nil
  }
}
