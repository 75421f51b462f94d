import Foundation
import Glibc
import Testing

/// Kills katib-sa with SIGKILL at random moments of a batch and checks that every file is either
/// its original or its complete patched version, never a mix, and that the temporary files a kill
/// leaves behind are hidden, recognisable, and ignored by later runs.
///
/// By default a short variant runs (a few kills over a few hundred files). Set
/// KATIB_SA_CRASH_TEST=1 for the full run (KATIB_SA_CRASH_KILLS, default 25, over
/// KATIB_SA_CRASH_FILES, default 3000 files); Tests/Scripts/crash-test.sh does that.
@Suite struct CrashTests {
  struct Settings {
    var kills: Int
    var files: Int
    static var current: Settings {
      let environment = ProcessInfo.processInfo.environment
      guard environment["KATIB_SA_CRASH_TEST"] == "1" else { return Settings(kills: 3, files: 300) }
      return Settings(
        kills: Int(environment["KATIB_SA_CRASH_KILLS"] ?? "") ?? 25,
        files: Int(environment["KATIB_SA_CRASH_FILES"] ?? "") ?? 3000)
    }
  }

  static func manifest(_ index: Int) -> String {
    let padding = String(repeating: "#", count: index % 7 * 300)
    switch index % 5 {
    case 0:
      return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-\(index)\ndata:\n  a: b\n"
    case 1:
      return """
        apiVersion: kubeflow.org/v1beta1
        kind: Experiment
        metadata:
          name: tf-\(index)
        spec:
          trialTemplate:
            trialSpec:
              apiVersion: kubeflow.org/v1
              kind: TFJob
              spec:
                tfReplicaSpecs:
                  Worker:
                    replicas: 2
                    template:
                      spec:
                        containers:
                          - name: tensorflow
                            image: img:\(index)
        # \(padding)

        """
    default:
      return """
        apiVersion: kubeflow.org/v1beta1\r
        kind: Experiment\r
        metadata:\r
          name: job-\(index)\r
        spec:\r
          trialTemplate:\r
            trialSpec:\r
              apiVersion: batch/v1\r
              kind: Job\r
              spec:\r
                template:\r
                  spec:\r
                    containers:\r
                      - name: c\r
                        image: img:\(index) # \(padding)\r

        """
    }
  }

  /// Relative path → bytes of every regular file below `root`, and the hidden names seen.
  static func snapshot(_ root: URL) -> (files: [String: [UInt8]], hidden: [String]) {
    var files: [String: [UInt8]] = [:]
    var hidden: [String] = []
    let enumerator = FileManager.default.enumerator(atPath: root.path)
    while let relative = enumerator?.nextObject() as? String {
      let full = root.appendingPathComponent(relative)
      var st = stat()
      guard lstat(full.path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
      if (relative as NSString).lastPathComponent.hasPrefix(".") {
        hidden.append(relative)
      } else {
        files[relative] = (try? [UInt8](Data(contentsOf: full))) ?? []
      }
    }
    return (files, hidden)
  }

  static func copyTree(_ from: URL, _ to: URL) throws {
    try? FileManager.default.removeItem(at: to)
    try FileManager.default.copyItem(at: from, to: to)
  }

  @Test func sigkillNeverLeavesAHalfWrittenFile() throws {
    let settings = Settings.current
    let directory = ScratchDirectory("katib-sa-crash")
    let originals = directory.url.appendingPathComponent("originals")
    for index in 0..<settings.files {
      directory.write("originals/d\(index % 10)/m\(index).yaml", Self.manifest(index))
    }
    let original = Self.snapshot(originals).files
    #expect(original.count == settings.files)

    // The complete patched version, from an uninterrupted run on a separate copy.
    let expectedTree = directory.url.appendingPathComponent("expected")
    try Self.copyTree(originals, expectedTree)
    let full = SpawnedBinary.run([expectedTree.path], in: directory.url, timeout: 600)
    #expect(full.status == 0, "\(full.stderr.suffix(500))")
    let expected = Self.snapshot(expectedTree).files
    let patchable = original.keys.filter { original[$0] != expected[$0] }.count
    #expect(patchable > settings.files / 2)
    let duration = max(full.seconds, 0.05)

    var killedMidway = 0
    var killedBeforeAnyWrite = 0
    var killedAfterLastWrite = 0
    var temporaryFilesLeft = 0
    var generator = SystemRandomNumberGenerator()
    let work = directory.url.appendingPathComponent("work")
    for kill in 0..<settings.kills {
      try Self.copyTree(originals, work)
      let pid = SpawnedBinary.spawn([work.path], directory: directory.url, tag: "crash")
      let delay = Double.random(in: 0...(duration * 1.1), using: &generator)
      usleep(useconds_t(delay * 1_000_000))
      Glibc.kill(pid, SIGKILL)
      _ = SpawnedBinary.wait(pid)

      let state = Self.snapshot(work)
      #expect(Set(state.files.keys) == Set(original.keys), "kill \(kill): files appeared or vanished")
      var patchedNow = 0
      for (name, bytes) in state.files {
        if bytes == expected[name] && bytes != original[name] {
          patchedNow += 1
        } else if bytes != original[name] {
          Issue.record("kill \(kill) after \(delay) s: \(name) is neither the original nor the patched version")
        }
      }
      if patchedNow == 0 { killedBeforeAnyWrite += 1 }
      else if patchedNow == patchable { killedAfterLastWrite += 1 }
      else { killedMidway += 1 }
      for name in state.hidden {
        let base = (name as NSString).lastPathComponent
        #expect(base.hasPrefix(".") && base.contains(".katib-sa-tmp."), "unexpected hidden file \(name)")
      }
      temporaryFilesLeft += state.hidden.count

      // A later run finishes the job and ignores the leftovers.
      let hiddenBefore = state.hidden.map { ($0, (try? [UInt8](Data(contentsOf: work.appendingPathComponent($0)))) ?? []) }
      let rerun = SpawnedBinary.run([work.path], in: directory.url, timeout: 600)
      #expect(rerun.status == 0, "kill \(kill): rerun failed: \(rerun.stderr.suffix(500))")
      #expect(!rerun.stderr.contains("katib-sa-tmp"))
      let after = Self.snapshot(work)
      #expect(after.files == expected, "kill \(kill): the rerun did not produce the patched tree")
      for (name, bytes) in hiddenBefore {
        #expect((try? [UInt8](Data(contentsOf: work.appendingPathComponent(name)))) == bytes)
      }
      #expect(after.hidden.count == state.hidden.count)
    }
    print(
      "crash test: \(settings.kills) SIGKILLs over \(settings.files) files (\(patchable) to patch, full run \(String(format: "%.2f", duration)) s): "
        + "\(killedMidway) mid-batch, \(killedBeforeAnyWrite) before any rename, \(killedAfterLastWrite) after the last rename; "
        + "\(temporaryFilesLeft) temporary files left behind, all hidden and ignored; no torn file")
  }
}
