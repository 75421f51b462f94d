#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif
import Dispatch
import Foundation
import Testing
import YAMLEdit

@testable import KatibSACLI

// Every test works in its own directory made by mkdtemp and never changes the working directory, so the
// tests can run in parallel. Helpers use Foundation or plain POSIX, not the code under test.

/// A fresh directory, removed when the value is dropped via `remove()`.
private struct Scratch {
  let path: String

  init() throws {
    var template = Array("/tmp/katib-sa-fs-test-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard let made else { throw POSIXFailure(what: "mkdtemp", code: errno) }
    // Resolve /tmp in case it is itself a link, so real paths compare equal.
    path = String(cString: realpath(String(cString: made), nil)!)
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }

  func at(_ name: String) -> String { path + "/" + name }

  /// Creates (or truncates) `name` with `text` and exactly `mode`.
  @discardableResult
  func write(_ name: String, _ text: String, mode: mode_t = 0o644) throws -> String {
    let file = at(name)
    let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw POSIXFailure(what: "open \(file)", code: errno) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
      throw POSIXFailure(what: "write \(file)", code: errno)
    }
    guard fchmod(fd, mode) == 0 else { throw POSIXFailure(what: "fchmod", code: errno) }
    return file
  }

  func mkdir(_ name: String) throws {
    guard Glibc.mkdir(at(name), 0o755) == 0 else { throw POSIXFailure(what: "mkdir", code: errno) }
  }

  /// Names in `path` (or a subdirectory) that contain our temporary infix.
  func temporaryFiles(in name: String = "") throws -> [String] {
    let directory = name.isEmpty ? path : at(name)
    return try FileManager.default.contentsOfDirectory(atPath: directory).filter {
      $0.contains(".katib-sa-tmp.")
    }
  }
}

private struct POSIXFailure: Error, CustomStringConvertible {
  var what: String
  var code: Int32
  var description: String { "\(what): \(String(cString: strerror(code)))" }
}

private func contents(_ path: String) -> String? {
  FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}

private func lstatOf(_ path: String) -> stat? {
  var st = stat()
  return lstat(path, &st) == 0 ? st : nil
}

private func permissions(_ path: String) -> mode_t? { lstatOf(path).map { $0.st_mode & 0o7777 } }

/// Reads `path` with the code under test, stages `text` for it and commits: the whole write path.
private func patch(_ path: String, with text: String) throws -> Diagnostic? {
  let read = try FileIO.readRegularFile(displayPath: path, path: path)
  let writer = AtomicBatchWriter()
  try writer.stage(
    displayPath: path, realPath: read.realPath, bytes: Array(text.utf8), original: read.identity)
  let results = writer.commit()
  #expect(results.count == 1)
  return results.first ?? nil
}

/// Runs `body` on another thread and reports whether it finished within `seconds`; a call that blocks
/// (opening a FIFO) fails the test instead of hanging it.
private final class ResultBox<T>: @unchecked Sendable {
  let lock = NSLock()
  var value: T?
}

private func finishes<T: Sendable>(within seconds: Double, _ body: @escaping @Sendable () -> T) -> T? {
  let box = ResultBox<T>()
  let done = DispatchSemaphore(value: 0)
  Thread.detachNewThread {
    let value = body()
    box.lock.lock()
    box.value = value
    box.lock.unlock()
    done.signal()
  }
  guard done.wait(timeout: .now() + seconds) == .success else { return nil }
  box.lock.lock()
  defer { box.lock.unlock() }
  return box.value
}

private func makeSocket(at path: String) throws {
  let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { throw POSIXFailure(what: "socket", code: errno) }
  defer { close(fd) }
  var address = sockaddr_un()
  address.sun_family = sa_family_t(AF_UNIX)
  let bytes = Array(path.utf8)
  let capacity = MemoryLayout.size(ofValue: address.sun_path)
  guard bytes.count < capacity else { throw POSIXFailure(what: "socket path too long", code: ENAMETOOLONG) }
  withUnsafeMutableBytes(of: &address.sun_path) { raw in
    for (index, byte) in bytes.enumerated() { raw[index] = byte }
    raw[bytes.count] = 0
  }
  let result = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
    }
  }
  guard result == 0 else { throw POSIXFailure(what: "bind", code: errno) }
}

private extension InputItem {
  var filePath: String? {
    if case .file(let displayPath, _) = self { displayPath } else { nil }
  }
  var skippedNote: Diagnostic? {
    if case .skipped(let note) = self { note } else { nil }
  }
  var failure: Diagnostic? {
    if case .failed(let error) = self { error } else { nil }
  }
}

// MARK: - Writing

@Test func modeIsKept() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let shared = try scratch.write("shared.yaml", "a: 1\n", mode: 0o640)
  let secret = try scratch.write("secret.yaml", "b: 1\n", mode: 0o600)
  let script = try scratch.write("odd.yaml", "c: 1\n", mode: 0o751)

  #expect(try patch(shared, with: "a: 2\n") == nil)
  #expect(try patch(secret, with: "b: 2\n") == nil)
  #expect(try patch(script, with: "") == nil)

  #expect(permissions(shared) == 0o640)
  #expect(permissions(secret) == 0o600)
  #expect(permissions(script) == 0o751)
  #expect(contents(shared) == "a: 2\n")
  #expect(contents(secret) == "b: 2\n")
  #expect(contents(script) == "")
  #expect(try scratch.temporaryFiles() == [])
}

@Test func ownerIsKeptWhenRunningAsRoot() throws {
  try #require(getuid() == 0, "needs root to give a file another owner")
  let scratch = try Scratch()
  defer { scratch.remove() }
  let file = try scratch.write("owned.yaml", "a: 1\n", mode: 0o664)
  #expect(chown(file, 1234, 5678) == 0)

  #expect(try patch(file, with: "a: 2\n") == nil)
  let st = try #require(lstatOf(file))
  #expect(st.st_uid == 1234)
  #expect(st.st_gid == 5678)
  #expect(st.st_mode & 0o7777 == 0o664)
  #expect(contents(file) == "a: 2\n")
}

@Test func explicitSymlinkStaysALinkAndItsTargetIsWritten() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  try scratch.mkdir("real")
  let target = try scratch.write("real/target.yaml", "old: 1\n", mode: 0o640)
  let link = scratch.at("link.yaml")
  #expect(symlink("real/target.yaml", link) == 0)

  let read = try FileIO.readRegularFile(displayPath: "link.yaml", path: link)
  #expect(read.realPath == target)
  #expect(read.bytes == Array("old: 1\n".utf8))

  let writer = AtomicBatchWriter()
  try writer.stage(
    displayPath: "link.yaml", realPath: read.realPath, bytes: Array("new: 2\n".utf8),
    original: read.identity)
  #expect(writer.commit() == [nil])

  let linkStat = try #require(lstatOf(link))
  #expect(linkStat.st_mode & 0o170000 == 0o120000, "the link must still be a symbolic link")
  #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real/target.yaml")
  #expect(contents(target) == "new: 2\n")
  #expect(permissions(target) == 0o640)
  #expect(try scratch.temporaryFiles() == [])
  #expect(try scratch.temporaryFiles(in: "real") == [])
}

@Test func hardLinkedFileIsRefusedAndBothNamesKeepTheirBytes() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let first = try scratch.write("a.yaml", "kept: true\n")
  let second = scratch.at("b.yaml")
  #expect(link(first, second) == 0)

  let read = try FileIO.readRegularFile(displayPath: "a.yaml", path: first)
  #expect(read.identity.linkCount == 2)
  let writer = AtomicBatchWriter()
  let error = #expect(throws: Diagnostic.self) {
    try writer.stage(
      displayPath: "a.yaml", realPath: read.realPath, bytes: Array("changed\n".utf8),
      original: read.identity)
  }
  #expect(error?.message.contains("2 hard links") == true)
  #expect(error?.description.hasPrefix("a.yaml:1:1: error: ") == true)
  #expect(writer.commit() == [])

  #expect(contents(first) == "kept: true\n")
  #expect(contents(second) == "kept: true\n")
  #expect(lstatOf(first)?.st_ino == lstatOf(second)?.st_ino)
  #expect(lstatOf(first)?.st_nlink == 2)
  #expect(try scratch.temporaryFiles() == [])
}

@Test func readOnlyFileIsRefusedEvenAsRoot() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let file = try scratch.write("frozen.yaml", "frozen: yes\n", mode: 0o444)
  let before = try #require(FileManager.default.contents(atPath: file))

  let read = try FileIO.readRegularFile(displayPath: "frozen.yaml", path: file)
  let writer = AtomicBatchWriter()
  let error = #expect(throws: Diagnostic.self) {
    try writer.stage(
      displayPath: "frozen.yaml", realPath: read.realPath, bytes: Array("thawed\n".utf8),
      original: read.identity)
  }
  #expect(error?.message.contains("read-only") == true)
  #expect(error?.severity == .error)
  #expect(writer.commit() == [])

  #expect(FileManager.default.contents(atPath: file) == before)
  #expect(permissions(file) == 0o444)
  #expect(try scratch.temporaryFiles() == [])
}

@Test func fileChangedBetweenReadAndCommitIsNotOverwritten() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let edited = try scratch.write("edited.yaml", "v: 1\n")
  let replaced = try scratch.write("replaced.yaml", "w: 1\n")
  let untouched = try scratch.write("untouched.yaml", "u: 1\n")

  let writer = AtomicBatchWriter()
  for path in [edited, replaced, untouched] {
    let read = try FileIO.readRegularFile(displayPath: path, path: path)
    try writer.stage(
      displayPath: path, realPath: read.realPath, bytes: Array("ours\n".utf8), original: read.identity)
  }
  #expect(writer.pendingTemporaryPaths.count == 3)

  // Someone edits one file in place (new size) and replaces the other, as editors do, with the same size.
  try scratch.write("edited.yaml", "v: theirs, longer\n")
  try scratch.write("other.tmp", "w: 2\n")
  #expect(rename(scratch.at("other.tmp"), replaced) == 0)

  let results = writer.commit()
  try #require(results.count == 3)
  #expect(results[0]?.message.contains("changed on disk while katib-sa was running; not written") == true)
  #expect(results[1]?.message.contains("changed on disk") == true)
  #expect(results[2] == nil)

  #expect(contents(edited) == "v: theirs, longer\n")
  #expect(contents(replaced) == "w: 2\n")
  #expect(contents(untouched) == "ours\n")
  #expect(try scratch.temporaryFiles() == [])
}

@Test func removedFileIsReportedAndNotRecreated() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let file = try scratch.write("gone.yaml", "a: 1\n")
  let read = try FileIO.readRegularFile(displayPath: "gone.yaml", path: file)
  let writer = AtomicBatchWriter()
  try writer.stage(
    displayPath: "gone.yaml", realPath: read.realPath, bytes: [0x62], original: read.identity)
  #expect(unlink(file) == 0)

  let results = writer.commit()
  #expect(results.first??.message.contains("removed") == true)
  #expect(lstatOf(file) == nil)
  #expect(try scratch.temporaryFiles() == [])
}

@Test func temporaryFilesAreRegisteredUntilCommitOrDiscard() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let file = try scratch.write("a.yaml", "a: 1\n", mode: 0o640)
  let read = try FileIO.readRegularFile(displayPath: "a.yaml", path: file)

  let writer = AtomicBatchWriter()
  try writer.stage(displayPath: "a.yaml", realPath: read.realPath, bytes: [0x78], original: read.identity)
  let temporary = try #require(writer.pendingTemporaryPaths.first)
  #expect(temporary.hasPrefix(scratch.at(".a.yaml.katib-sa-tmp.")))
  #expect(SignalCleanup.isRegistered(temporary))
  #expect(permissions(temporary) == 0o640)
  #expect(contents(temporary) == "x")
  #expect(contents(file) == "a: 1\n", "staging must not touch the target")

  writer.discardAll()
  #expect(!SignalCleanup.isRegistered(temporary))
  #expect(lstatOf(temporary) == nil)
  #expect(contents(file) == "a: 1\n")
  #expect(writer.commit() == [])

  let second = AtomicBatchWriter()
  try second.stage(displayPath: "a.yaml", realPath: read.realPath, bytes: [0x79], original: read.identity)
  let secondTemporary = try #require(second.pendingTemporaryPaths.first)
  #expect(second.commit() == [nil])
  #expect(!SignalCleanup.isRegistered(secondTemporary))
  #expect(contents(file) == "y")
  #expect(try scratch.temporaryFiles() == [])
}

@Test func droppingAWriterRemovesItsTemporaryFiles() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let file = try scratch.write("a.yaml", "a: 1\n")
  let read = try FileIO.readRegularFile(displayPath: "a.yaml", path: file)
  var temporary: String?
  do {
    let writer = AtomicBatchWriter()
    try writer.stage(displayPath: "a.yaml", realPath: read.realPath, bytes: [0x78], original: read.identity)
    temporary = writer.pendingTemporaryPaths.first
    #expect(try scratch.temporaryFiles().count == 1)
  }
  #expect(try scratch.temporaryFiles() == [])
  #expect(!SignalCleanup.isRegistered(try #require(temporary)))
  #expect(contents(file) == "a: 1\n")
}

@Test func sameFileStagedTwiceIsRefused() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let file = try scratch.write("a.yaml", "a: 1\n")
  #expect(symlink("a.yaml", scratch.at("alias.yaml")) == 0)
  let direct = try FileIO.readRegularFile(displayPath: "a.yaml", path: file)
  let viaLink = try FileIO.readRegularFile(displayPath: "alias.yaml", path: scratch.at("alias.yaml"))
  #expect(direct.realPath == viaLink.realPath)

  let writer = AtomicBatchWriter()
  try writer.stage(displayPath: "a.yaml", realPath: direct.realPath, bytes: [0x31], original: direct.identity)
  let error = #expect(throws: Diagnostic.self) {
    try writer.stage(
      displayPath: "alias.yaml", realPath: viaLink.realPath, bytes: [0x32], original: viaLink.identity)
  }
  #expect(error?.message.contains("'a.yaml'") == true)
  #expect(writer.commit() == [nil])
  #expect(contents(file) == "1")
  #expect(try scratch.temporaryFiles() == [])
}

@Test func twoHundredStagedFilesAreAllCommitted() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  try scratch.mkdir("one")
  try scratch.mkdir("two")
  let writer = AtomicBatchWriter()
  var paths: [String] = []
  for index in 0..<200 {
    let path = try scratch.write("\(index % 2 == 0 ? "one" : "two")/f\(index).yaml", "index: \(index)\n")
    let read = try FileIO.readRegularFile(displayPath: path, path: path)
    try writer.stage(
      displayPath: path, realPath: read.realPath, bytes: Array("index: \(index)\nnew: true\n".utf8),
      original: read.identity)
    paths.append(path)
  }
  let results = writer.commit()
  #expect(results.count == 200)
  #expect(results.allSatisfy { $0 == nil })
  for (index, path) in paths.enumerated() {
    #expect(contents(path) == "index: \(index)\nnew: true\n")
  }
  #expect(try scratch.temporaryFiles(in: "one") == [])
  #expect(try scratch.temporaryFiles(in: "two") == [])
}

@Test func largeContentSurvivesIntact() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let file = try scratch.write("big.yaml", "a: 1\n")
  var bytes: [UInt8] = []
  for index in 0..<(3 * 1024 * 1024 + 17) { bytes.append(UInt8(truncatingIfNeeded: index &* 31)) }
  let read = try FileIO.readRegularFile(displayPath: "big.yaml", path: file)
  let writer = AtomicBatchWriter()
  try writer.stage(displayPath: "big.yaml", realPath: read.realPath, bytes: bytes, original: read.identity)
  #expect(writer.commit() == [nil])
  let again = try FileIO.readRegularFile(displayPath: "big.yaml", path: file)
  #expect(again.bytes == bytes)
  #expect(again.identity.size == Int64(bytes.count))
}

// MARK: - Reading

@Test func readingRefusesAFifoWithoutBlocking() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let fifo = scratch.at("pipe.yaml")
  #expect(mkfifo(fifo, 0o644) == 0)

  let outcome = finishes(within: 5) { () -> String in
    do throws(Diagnostic) {
      _ = try FileIO.readRegularFile(displayPath: "pipe.yaml", path: fifo)
      return "read"
    } catch {
      return error.description
    }
  }
  #expect(outcome?.hasPrefix("pipe.yaml:1:1: error: not a regular file") == true, "got \(outcome ?? "a hang")")
}

@Test func readingReportsMissingFilesAndBrokenLinks() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let missing = #expect(throws: Diagnostic.self) {
    try FileIO.readRegularFile(displayPath: "nope.yaml", path: scratch.at("nope.yaml"))
  }
  #expect(missing?.description == "nope.yaml:1:1: error: cannot read file: no such file or directory")

  #expect(symlink("nowhere.yaml", scratch.at("broken.yaml")) == 0)
  let broken = #expect(throws: Diagnostic.self) {
    try FileIO.readRegularFile(displayPath: "broken.yaml", path: scratch.at("broken.yaml"))
  }
  #expect(broken?.message.contains("broken symbolic link") == true)

  try scratch.mkdir("dir.yaml")
  let directory = #expect(throws: Diagnostic.self) {
    try FileIO.readRegularFile(displayPath: "dir.yaml", path: scratch.at("dir.yaml"))
  }
  #expect(directory?.message.contains("it is a directory") == true)
}

@Test func writeAllAndReadToEndMoveEveryByteThroughAPipe() throws {
  var ends: [Int32] = [0, 0]
  #expect(pipe(&ends) == 0)
  let (readEnd, writeEnd) = (ends[0], ends[1])
  // More than a pipe buffer, so writes are partial and the reader must loop.
  let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
  Thread.detachNewThread {
    try? FileIO.writeAll(fd: writeEnd, payload)
    close(writeEnd)
  }
  let received = try FileIO.readToEnd(fd: readEnd, sizeHint: 0, displayPath: "<pipe>")
  close(readEnd)
  #expect(received == payload)
}

// MARK: - Collecting inputs

@Test func fifoArgumentFailsWithoutBlocking() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  let fifo = scratch.at("fifo")
  #expect(mkfifo(fifo, 0o644) == 0)
  let items = try #require(finishes(within: 5) { InputCollector.collect([fifo]) })
  #expect(items.count == 1)
  let failure = try #require(items.first?.failure)
  #expect(failure.message.contains("not a regular file"))
  #expect(failure.severity == .error)
  #expect(failure.location == SourceLocation(path: fifo, line: 1, column: 1, offset: 0))
}

@Test func specialFilesAndLinksInsideADirectoryAreSkippedWithNotes() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  try scratch.mkdir("m")
  try scratch.write("m/a.yaml", "a: 1\n")
  #expect(mkfifo(scratch.at("m/b-fifo.yaml"), 0o644) == 0)
  try makeSocket(at: scratch.at("m/c-socket.yaml"))
  #expect(symlink("a.yaml", scratch.at("m/d-link.yaml")) == 0)
  #expect(symlink("/etc", scratch.at("m/e-dirlink")) == 0)

  let root = scratch.at("m")
  let items = try #require(finishes(within: 5) { InputCollector.collect([root]) })
  try #require(items.count == 5)
  #expect(items[0] == .file(displayPath: root + "/a.yaml", path: root + "/a.yaml"))
  let notes = items.dropFirst().compactMap(\.skippedNote)
  try #require(notes.count == 4)
  #expect(notes.allSatisfy { $0.severity == .note })
  #expect(notes.map { $0.location?.path } == ["b-fifo.yaml", "c-socket.yaml", "d-link.yaml", "e-dirlink"].map { root + "/" + $0 })
  #expect(notes[0].message.contains("fifo"))
  #expect(notes[1].message.contains("socket"))
  #expect(notes[2].message.contains("skipping symbolic link"))
  #expect(notes[3].message.contains("skipping symbolic link"))
}

@Test func hiddenEntriesAndLeftoverTemporaryFilesAreSkippedSilently() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  try scratch.mkdir("m")
  try scratch.mkdir("m/.git")
  try scratch.write("m/.git/config.yaml", "x: 1\n")
  try scratch.write("m/.hidden.yaml", "x: 1\n")
  try scratch.write("m/.x.yaml.katib-sa-tmp.abc", "x: 1\n")
  try scratch.write("m/x.yaml", "x: 1\n")

  let items = InputCollector.collect([scratch.at("m")])
  #expect(items == [.file(displayPath: scratch.at("m/x.yaml"), path: scratch.at("m/x.yaml"))])
}

@Test func directoryNamedLikeAManifestIsWalked() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  try scratch.mkdir("d.yaml")
  try scratch.write("d.yaml/inner.yml", "x: 1\n")
  let items = InputCollector.collect([scratch.at("d.yaml")])
  #expect(items == [.file(displayPath: scratch.at("d.yaml/inner.yml"), path: scratch.at("d.yaml/inner.yml"))])
}

@Test func walkOrderIsSortedByBytesAndDepthFirst() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  try scratch.mkdir("m")
  try scratch.mkdir("m/a")
  try scratch.mkdir("m/a/deeper")
  for name in ["b.yaml", "a.yaml", "B.yaml", "a-b.yaml", "a/z.yaml", "a/deeper/y.yaml", "ä.yaml"] {
    try scratch.write("m/" + name, "x: 1\n")
  }
  try scratch.write("single.yaml", "x: 1\n")

  // Display paths join the argument as given with the entry names; a trailing slash is not doubled.
  let items = InputCollector.collect([scratch.at("m/"), scratch.at("single.yaml"), "-"])
  let expected = ["B.yaml", "a/deeper/y.yaml", "a/z.yaml", "a-b.yaml", "a.yaml", "b.yaml", "ä.yaml"]
    .map { InputItem.file(displayPath: scratch.at("m/" + $0), path: scratch.at("m/" + $0)) }
    + [.file(displayPath: scratch.at("single.yaml"), path: scratch.at("single.yaml")), .standardInput]
  #expect(items == expected)
}

@Test func onlyManifestExtensionsAreKeptWhenWalking() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  try scratch.mkdir("m")
  for name in ["a.json", "b.yml", "c.yaml", "d.txt", "e.yaml.bak", "Makefile", "yaml", "f.jsonl"] {
    try scratch.write("m/" + name, "x: 1\n")
  }
  try scratch.write("explicit.txt", "x: 1\n")

  let walked = InputCollector.collect([scratch.at("m")]).compactMap(\.filePath)
  #expect(walked == ["a.json", "b.yml", "c.yaml"].map { scratch.at("m/" + $0) })
  // A file named explicitly is taken whatever its name.
  #expect(InputCollector.collect([scratch.at("explicit.txt")]).compactMap(\.filePath) == [scratch.at("explicit.txt")])
}

@Test func missingPathsAndBrokenLinksFail() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  #expect(symlink("nowhere", scratch.at("dangling.yaml")) == 0)
  let items = InputCollector.collect([scratch.at("missing.yaml"), scratch.at("dangling.yaml"), ""])
  try #require(items.count == 3)
  #expect(items[0].failure?.description == "\(scratch.at("missing.yaml")):1:1: error: no such file or directory")
  #expect(items[1].failure?.message.contains("broken symbolic link") == true)
  #expect(items[2].failure != nil)
}

@Test func explicitSymlinksAreFollowedOnce() throws {
  let scratch = try Scratch()
  defer { scratch.remove() }
  try scratch.mkdir("real")
  try scratch.write("real/a.yaml", "x: 1\n")
  #expect(symlink("real/a.yaml", scratch.at("file-link.yaml")) == 0)
  #expect(symlink("real", scratch.at("dir-link")) == 0)

  let items = InputCollector.collect([scratch.at("file-link.yaml"), scratch.at("dir-link")])
  #expect(
    items == [
      .file(displayPath: scratch.at("file-link.yaml"), path: scratch.at("file-link.yaml")),
      .file(displayPath: scratch.at("dir-link/a.yaml"), path: scratch.at("dir-link/a.yaml")),
    ])
}
