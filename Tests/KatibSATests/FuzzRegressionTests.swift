import Foundation
import KatibSAChecks
import Testing

/// The fuzzer's properties (``FixInvariants``) over every input it ever found a problem with
/// (Tests/Goldens/fuzz-regressions), and over the real manifests of the shared corpus.
@Suite struct FuzzRegressionTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func files(under directory: URL, named: (String) -> Bool) -> [URL] {
    guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
    else { return [] }
    return enumerator.compactMap { $0 as? URL }.filter { named($0.lastPathComponent) }
      .sorted { $0.path < $1.path }
  }

  @Test func fuzzRegressionInputsKeepTheProperties() throws {
    let inputs = Self.files(under: Self.repository.appendingPathComponent("Tests/Goldens/fuzz-regressions")) {
      !$0.hasPrefix(".") && $0 != "README.md"
    }
    #expect(!inputs.isEmpty)
    for input in inputs {
      let bytes = try [UInt8](Data(contentsOf: input))
      let problem = FixInvariants.violationInAnyContext(bytes)
      #expect(problem == nil, "\(input.lastPathComponent): \(problem ?? "")")
    }
  }

  @Test func sharedCorpusManifestsKeepTheProperties() throws {
    let corpus = Self.repository.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    let manifests = Self.files(under: corpus.appendingPathComponent("katib")) {
      $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json")
    } + Self.files(under: corpus.appendingPathComponent("yaml-test-suite")) { $0 == "in.yaml" }
    guard !manifests.isEmpty else {
      print("shared corpus not found at \(corpus.path); skipped")
      return
    }
    for manifest in manifests {
      let bytes = try [UInt8](Data(contentsOf: manifest))
      let problem = FixInvariants.violation(in: bytes)
      #expect(problem == nil, "\(manifest.path): \(problem ?? "")")
    }
  }
}
