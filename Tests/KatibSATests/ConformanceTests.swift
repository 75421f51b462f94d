import Foundation
import KatibSA
import Testing
import YAMLEdit

/// Runs katib-sa over every case of the yaml-test-suite (data release), found at
/// `../shared/corpus/yaml-test-suite` beside the repository; skipped when it is absent.
enum YAMLTestSuite {
  static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/corpus/yaml-test-suite")

  struct Case: Sendable, CustomTestStringConvertible {
    var id: String
    var libyamlAccepts: Bool
    var name: String
    var testDescription: String { "\(id) \(name)" }
    var input: URL { YAMLTestSuite.root.appendingPathComponent(id).appendingPathComponent("in.yaml") }
  }

  /// The cases listed in LIBYAML-0.2.5-RESULTS.tsv, or nil when the corpus is absent.
  static let cases: [Case]? = {
    let table = root.appendingPathComponent("LIBYAML-0.2.5-RESULTS.tsv")
    guard let text = try? String(contentsOf: table, encoding: .utf8) else { return nil }
    var result: [Case] = []
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count >= 6 else { continue }
      result.append(Case(id: fields[0], libyamlAccepts: fields[2] == "accept", name: fields[5]))
    }
    return result
  }()

  static var skipReason: String {
    "yaml-test-suite not found at \(root.path); conformance tests skipped"
  }
}

@Suite struct ConformanceTests {
  @Test func corpusIsPresentOrSkippedWithAReason() {
    guard let cases = YAMLTestSuite.cases else {
      print(YAMLTestSuite.skipReason)
      return
    }
    #expect(cases.count == 402)
    #expect(cases.allSatisfy { FileManager.default.fileExists(atPath: $0.input.path) })
  }

  @Test func everyCaseBehavesAsLibyamlDoes() throws {
    guard let cases = YAMLTestSuite.cases else {
      print(YAMLTestSuite.skipReason)
      return
    }
    var accepted = 0
    var rejected = 0
    var exceptions = 0
    for testCase in cases {
      let bytes = try [UInt8](Data(contentsOf: testCase.input))
      let clock = ContinuousClock()
      let start = clock.now
      let outcome = KatibFixer.fix(SourceText(path: "\(testCase.id)/in.yaml", bytes: bytes))
      let elapsed = clock.now - start
      #expect(elapsed < .seconds(2), "\(testCase.id) took \(elapsed)")
      let errors = outcome.diagnostics.filter { $0.severity == .error }
      // Whatever happens, these inputs hold no Katib resource: the bytes never change.
      #expect(outcome.output == bytes, "\(testCase.id) was changed")
      if testCase.libyamlAccepts {
        if let reason = ConformanceExceptions.rejectedAlthoughLibyamlAccepts[testCase.id] {
          exceptions += 1
          #expect(!errors.isEmpty, "\(testCase.id) is listed as refused (\(reason)) but was accepted")
        } else {
          accepted += 1
          #expect(errors.isEmpty, "\(testCase.id) (\(testCase.name)): \(errors)")
        }
      } else {
        rejected += 1
        #expect(errors.count == 1, "\(testCase.id) (\(testCase.name)) should be refused")
        if let location = errors.first?.location {
          let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
          #expect(location.path == "\(testCase.id)/in.yaml")
          #expect(location.line >= 1 && location.line <= lines + 1, "\(testCase.id): \(location)")
          #expect(location.column >= 1)
        } else {
          Issue.record("\(testCase.id): the error has no location")
        }
      }
    }
    #expect(accepted + exceptions == 273)
    #expect(rejected == 129)
  }
}
