import Foundation
import KatibSAChecks
import Glibc
import Testing

/// Hostile inputs and file-system oddities through the built binary: errors are located, bad files
/// are never written, and a batch goes on with its other files.
@Suite struct EndToEndTests {
  static let experiment = Fixtures.experiment
  static let patched = Fixtures.patchedExperiment

  static func billionLaughs() -> String {
    var lines = ["a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
    for level in 1..<10 {
      lines.append("a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", "))]")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  struct BadInput: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    /// `line:column` of the error, or just `line:` when only the line is fixed.
    var position: String
    var words: String
    var testDescription: String { name }
  }

  static let badInputs: [BadInput] = [
    BadInput(name: "200,000 nested [", bytes: Array((String(repeating: "[", count: 200_000) + "\n").utf8), position: "1:1001", words: "nesting too deep"),
    BadInput(name: "duplicate keys", bytes: Array("a: 1\nb: 2\na: 3\n".utf8), position: "3:1", words: "duplicate key 'a'"),
    BadInput(name: "UTF-16", bytes: [0xFF, 0xFE] + Array("a: b\n".utf8).flatMap { [$0, 0] }, position: "1:1", words: "UTF-16"),
    BadInput(name: "UTF-32", bytes: [0x00, 0x00, 0xFE, 0xFF] + Array("a: b\n".utf8).flatMap { [0, 0, 0, $0] }, position: "1:1", words: "UTF-32"),
    BadInput(name: "invalid UTF-8", bytes: Array("a: b\r\nc: é".utf8) + [0xFF, 0x0A], position: "2:5", words: "invalid leading UTF-8 octet (byte 0xFF)"),
    BadInput(name: "NUL byte", bytes: Array("a: b\nc: d".utf8) + [0, 0x0A], position: "2:5", words: "NUL byte"),
    BadInput(name: "binary", bytes: [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xFF, 0x80], position: "1:1", words: "control characters"),
    BadInput(name: "Helm template", bytes: Array("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n".utf8), position: "4:9", words: "looks like a template"),
    BadInput(name: "Helm block", bytes: Array("metadata:\n  name: x\n{{- if .Values.a }}\n  labels: {}\n{{- end }}\n".utf8), position: "4:", words: "looks like a template"),
    BadInput(name: "over a million nodes", bytes: Array(("k: [" + String(repeating: "1,", count: 1_000_000) + "1]\n").utf8), position: "1:1999999", words: "document too large"),
    BadInput(name: "not YAML", bytes: Array("key: value: other\n".utf8), position: "1:11", words: "mapping values are not allowed"),
  ]

  @Test(arguments: badInputs)
  func badFileIsLeftAloneAndTheBatchGoesOn(input: BadInput) throws {
    let directory = ScratchDirectory()
    directory.write("batch/a-bad.yaml", input.bytes)
    directory.write("batch/b-good.yaml", Self.experiment)
    let before = lstatOrFail(directory.path("batch/a-bad.yaml"))
    let run = SpawnedBinary.run([directory.path("batch")], in: directory.url, timeout: 30)
    #expect(run.status == 2)
    #expect(run.seconds < 10)
    #expect(directory.read("batch/a-bad.yaml") == input.bytes)
    #expect(String(decoding: directory.read("batch/b-good.yaml"), as: UTF8.self) == Self.patched)
    let after = lstatOrFail(directory.path("batch/a-bad.yaml"))
    #expect(after.st_ino == before.st_ino && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
    #expect(run.stderr.contains("\(directory.path("batch/a-bad.yaml")):\(input.position)"), "\(run.stderr)")
    #expect(run.stderr.contains(input.words), "\(run.stderr)")
    #expect(run.stderr.contains(": error: "))
    // Messages never carry raw bytes of the input.
    #expect(run.stderr.unicodeScalars.allSatisfy { $0 == "\n" || ($0.value >= 0x20 && $0.value != 0x7F && $0.value != 0xFFFD) })
  }

  @Test(arguments: badInputs)
  func badStandardInputComesBackByteIdentical(input: BadInput) {
    let directory = ScratchDirectory()
    let run = SpawnedBinary.run([], stdin: input.bytes, in: directory.url, timeout: 30)
    #expect(run.status == 2)
    #expect(run.stdout == input.bytes)
    #expect(run.stderr.contains("<stdin>:\(input.position)"), "\(run.stderr)")
  }

  @Test func aliasBombBesideAnExperimentInOneStream() {
    let directory = ScratchDirectory()
    let text = Self.billionLaughs() + "---\n" + Self.experiment
    directory.write("stream.yaml", text)
    let run = SpawnedBinary.run([directory.path("stream.yaml")], in: directory.url, timeout: 30)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.seconds < 5)
    #expect(String(decoding: directory.read("stream.yaml"), as: UTF8.self) == Self.billionLaughs() + "---\n" + Self.patched)
  }

  @Test(arguments: ["", "# only a comment\n# and another", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n", "\u{FEFF}---\n"])
  func fileWithNothingToDoIsNotRewritten(text: String) throws {
    let directory = ScratchDirectory()
    let path = directory.write("plain.yaml", text)
    var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
    #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    let before = lstatOrFail(path)
    let run = SpawnedBinary.run([path], in: directory.url)
    #expect(run.status == 0)
    let after = lstatOrFail(path)
    #expect(after.st_ino == before.st_ino)
    #expect(after.st_mtim.tv_sec == 1_000_000_000 && after.st_ctim.tv_nsec == before.st_ctim.tv_nsec)
    #expect(directory.read("plain.yaml") == Array(text.utf8))
    let piped = SpawnedBinary.run([], stdin: Array(text.utf8), in: directory.url)
    #expect(piped.status == 0)
    #expect(piped.stdout == Array(text.utf8))
  }

  @Test func largeStreamInBoundedMemory() {
    let directory = ScratchDirectory()
    var input = ""
    var expected = ""
    var index = 0
    var experiments = 0
    while input.utf8.count < 5_000_000 {
      let isExperiment = index % 2 == 0
      let name = "name: x\(index)"
      if index > 0 {
        input += "---\n"
        expected += "---\n"
      }
      if isExperiment {
        input += Self.experiment.replacingOccurrences(of: "name: x", with: name)
        expected += Self.patched.replacingOccurrences(of: "name: x", with: name)
        experiments += 1
      } else {
        let other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  \(name)\ndata:\n  a: \"b\"\n"
        input += other
        expected += other
      }
      index += 1
    }
    directory.write("stream.yaml", input)
    let run = SpawnedBinary.run([directory.path("stream.yaml")], in: directory.url, timeout: 120)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(directory.read("stream.yaml") == Array(expected.utf8))
    #expect(run.stderr.contains("patched \(experiments) pod templates in 1 of 1 file"), "\(run.stderr)")
    // Bounded: a small multiple of the input on top of the runtime's own footprint.
    let inputKB = input.utf8.count / 1024
    print("large stream: \(input.utf8.count) bytes, \(index) documents, \(run.seconds) s, peak RSS \(run.maxResidentKilobytes) KB")
    #expect(run.maxResidentKilobytes < 64 * 1024 + 8 * inputKB)
  }

  // MARK: File system

  @Test func readOnlyFileIsRefusedEvenAsRoot() {
    let directory = ScratchDirectory()
    let locked = directory.write("d/locked.yaml", Self.experiment)
    directory.write("d/open.yaml", Self.experiment)
    chmod(locked, 0o444)
    let run = SpawnedBinary.run([directory.path("d")], in: directory.url)
    #expect(run.status == 2)
    #expect(run.stderr.contains("\(locked):1:1: error: file is read-only"), "\(run.stderr)")
    #expect(String(decoding: directory.read("d/locked.yaml"), as: UTF8.self) == Self.experiment)
    #expect(lstatOrFail(locked).st_mode & 0o7777 == 0o444)
    #expect(String(decoding: directory.read("d/open.yaml"), as: UTF8.self) == Self.patched)
    chmod(locked, 0o644)
  }

  @Test func hardLinkedFileIsRefused() {
    let directory = ScratchDirectory()
    let first = directory.write("d/one.yaml", Self.experiment)
    #expect(link(first, directory.path("d/two.yaml")) == 0)
    directory.write("d/three.yaml", Self.experiment)
    let run = SpawnedBinary.run([directory.path("d")], in: directory.url)
    #expect(run.status == 2)
    #expect(run.stderr.contains("\(first):1:1: error: file has 2 hard links"), "\(run.stderr)")
    #expect(String(decoding: directory.read("d/one.yaml"), as: UTF8.self) == Self.experiment)
    #expect(lstatOrFail(first).st_nlink == 2)
    #expect(String(decoding: directory.read("d/three.yaml"), as: UTF8.self) == Self.patched)
  }

  @Test func specialFilesAreSkippedInWalksAndRefusedAsArguments() throws {
    let directory = ScratchDirectory()
    directory.write("d/good.yaml", Self.experiment)
    let fifo = directory.path("d/pipe.yaml")
    #expect(mkfifo(fifo, 0o644) == 0)
    let socketPath = directory.path("d/sock.yaml")
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (index, byte) in socketPath.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    #expect(bound == 0)
    defer { close(fd) }

    let walk = SpawnedBinary.run([directory.path("d")], in: directory.url, timeout: 20)
    #expect(walk.status == 0, "\(walk.stderr)")
    #expect(walk.signal == nil)
    #expect(walk.stderr.contains("\(fifo):1:1: note: skipping a fifo"), "\(walk.stderr)")
    #expect(walk.stderr.contains("\(socketPath):1:1: note: skipping a socket"), "\(walk.stderr)")
    #expect(String(decoding: directory.read("d/good.yaml"), as: UTF8.self) == Self.patched)

    directory.write("e/good.yaml", Self.experiment)
    let arguments = SpawnedBinary.run([fifo, socketPath, "/dev/null", directory.path("e/good.yaml")], in: directory.url, timeout: 20)
    #expect(arguments.signal == nil, "blocked on a special file")
    #expect(arguments.status == 2)
    #expect(arguments.stderr.contains("\(fifo):1:1: error: not a regular file (it is a fifo"), "\(arguments.stderr)")
    #expect(arguments.stderr.contains("\(socketPath):1:1: error: not a regular file (it is a socket"))
    #expect(arguments.stderr.contains("/dev/null:1:1: error: not a regular file (it is a character device"))
    #expect(String(decoding: directory.read("e/good.yaml"), as: UTF8.self) == Self.patched)
  }

  @Test func directoryNamedLikeAManifestIsWalked() {
    let directory = ScratchDirectory()
    directory.write("x.yaml/inner.yaml", Self.experiment)
    let run = SpawnedBinary.run([directory.path("x.yaml")], in: directory.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(String(decoding: directory.read("x.yaml/inner.yaml"), as: UTF8.self) == Self.patched)
  }

  @Test func missingPathIsAnErrorAndTheBatchGoesOn() {
    let directory = ScratchDirectory()
    let good = directory.write("good.yaml", Self.experiment)
    let missing = directory.path("missing.yaml")
    let run = SpawnedBinary.run([missing, good], in: directory.url)
    #expect(run.status == 2)
    #expect(run.stderr.contains("\(missing):1:1: error: no such file or directory"), "\(run.stderr)")
    #expect(String(decoding: directory.read("good.yaml"), as: UTF8.self) == Self.patched)
  }

  @Test func symbolicLinksInAWalkAreSkippedWithANote() {
    let directory = ScratchDirectory()
    let target = directory.write("target.yaml", Self.experiment)
    directory.write("d/good.yaml", Self.experiment)
    let linkPath = directory.path("d/link.yaml")
    #expect(symlink(target, linkPath) == 0)
    let run = SpawnedBinary.run([directory.path("d")], in: directory.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("\(linkPath):1:1: note: skipping symbolic link"), "\(run.stderr)")
    #expect(String(decoding: directory.read("target.yaml"), as: UTF8.self) == Self.experiment)
    #expect(lstatOrFail(linkPath).st_mode & S_IFMT == S_IFLNK)
    #expect(String(decoding: directory.read("d/good.yaml"), as: UTF8.self) == Self.patched)
  }

  @Test func explicitSymbolicLinkRewritesTheTargetAndStaysALink() {
    let directory = ScratchDirectory()
    let target = directory.write("real/target.yaml", Self.experiment)
    let linkPath = directory.path("link.yaml")
    #expect(symlink("real/target.yaml", linkPath) == 0)
    let run = SpawnedBinary.run([linkPath], in: directory.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(String(decoding: directory.read("real/target.yaml"), as: UTF8.self) == Self.patched)
    #expect(lstatOrFail(linkPath).st_mode & S_IFMT == S_IFLNK)
    var buffer = [CChar](repeating: 0, count: 256)
    let count = readlink(linkPath, &buffer, 255)
    #expect(String(decoding: buffer[0..<max(count, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self) == "real/target.yaml")
    #expect(lstatOrFail(target).st_mode & S_IFMT == S_IFREG)
  }

  @Test func leftoverTemporaryFilesAreIgnored() {
    let directory = ScratchDirectory()
    directory.write("d/good.yaml", Self.experiment)
    let leftover = directory.write("d/.good.yaml.katib-sa-tmp.1234abcd", "apiVersion: kubeflow.org/v1beta1\nkind: Exp")
    let run = SpawnedBinary.run([directory.path("d")], in: directory.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(!run.stderr.contains("katib-sa-tmp"))
    #expect(String(decoding: directory.read("d/good.yaml"), as: UTF8.self) == Self.patched)
    #expect(String(decoding: directory.read("d/.good.yaml.katib-sa-tmp.1234abcd"), as: UTF8.self).hasSuffix("kind: Exp"))
    #expect(FileManager.default.fileExists(atPath: leftover))
  }

  // MARK: yaml-test-suite through the binary

  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus/yaml-test-suite")

  @Test(arguments: [("229Q", 0), ("26DV", 0), ("6JQW", 0), ("M7A3", 2), ("236B", 2), ("9MMA", 2), ("SU74", 2)] as [(String, Int32)])
  func yamlTestSuiteCaseThroughTheBinary(id: String, expected: Int32) throws {
    let input = Self.corpus.appendingPathComponent(id).appendingPathComponent("in.yaml")
    guard let bytes = try? [UInt8](Data(contentsOf: input)) else {
      print("yaml-test-suite not found at \(Self.corpus.path); case \(id) skipped")
      return
    }
    let directory = ScratchDirectory()
    let path = directory.write("case.yaml", bytes)
    let run = SpawnedBinary.run([path], in: directory.url)
    #expect(run.status == expected, "\(id): \(run.stderr)")
    #expect(directory.read("case.yaml") == bytes)
    if expected == 2 {
      #expect(run.stderr.range(of: "\(path):[0-9]+:[0-9]+: error: ", options: .regularExpression) != nil, "\(run.stderr)")
    }
  }
}
