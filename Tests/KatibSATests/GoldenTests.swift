import Foundation
import Testing
import YAMLEdit

@testable import KatibSA

/// One `Tests/Goldens/<group>/<case>/` folder: `input.*`, `expected.*`, optionally `diagnostics.txt`
/// (the rendered diagnostics, byte for byte) and `options` (`force`, `service-account=NAME`).
struct GoldenCase: CustomTestStringConvertible, Sendable {
  let directory: URL
  var testDescription: String { directory.deletingLastPathComponent().lastPathComponent + "/" + directory.lastPathComponent }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Goldens")

  static func all(in groups: [String]) -> [GoldenCase] {
    groups.flatMap { group -> [GoldenCase] in
      let folder = root.appendingPathComponent(group)
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      return names.sorted().map { GoldenCase(directory: folder.appendingPathComponent($0)) }
        .filter { $0.input != nil }
    }
  }

  func file(_ stem: String) -> URL? {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.first { $0.hasPrefix(stem + ".") }.map { directory.appendingPathComponent($0) }
  }

  var input: URL? { file("input") }

  var options: FixOptions {
    var options = FixOptions()
    let text = (try? String(contentsOf: directory.appendingPathComponent("options"), encoding: .utf8)) ?? ""
    for line in text.split(whereSeparator: \.isNewline) {
      if line == "force" { options.force = true }
      if line.hasPrefix("service-account=") { options.serviceAccount = String(line.dropFirst(16)) }
    }
    return options
  }
}

/// Compares bytes exactly; with UPDATE_GOLDENS=1 rewrites the expected file instead.
func expectGolden(_ actual: [UInt8], at url: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
  if ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" {
    try Data(actual).write(to: url)
    return
  }
  guard let expected = FileManager.default.contents(atPath: url.path) else {
    try Data(actual).write(to: url)
    Issue.record("recorded a new golden at \(url.path); check it and run again", sourceLocation: sourceLocation)
    return
  }
  if [UInt8](expected) != actual {
    Issue.record(
      "\(url.lastPathComponent) differs:\n--- expected\n\(String(decoding: expected, as: UTF8.self))\n--- actual\n\(String(decoding: actual, as: UTF8.self))",
      sourceLocation: sourceLocation)
  }
}

@Suite struct GoldenTests {
  static let cases = GoldenCase.all(in: ["experiment", "katib-config", "trial-templates", "diagnostics"])

  @Test(arguments: cases)
  func producesExpectedBytes(_ golden: GoldenCase) throws {
    let input = try #require(golden.input)
    let bytes = [UInt8](try Data(contentsOf: input))
    let name = "Tests/Goldens/\(golden.testDescription)/\(input.lastPathComponent)"
    let outcome = KatibFixer.fix(SourceText(path: name, bytes: bytes), options: golden.options)
    let expectedName = "expected." + input.pathExtension
    try expectGolden(outcome.output, at: golden.directory.appendingPathComponent(expectedName))
    let rendered = outcome.diagnostics.map { $0.description + "\n" }.joined()
    let diagnosticsFile = golden.directory.appendingPathComponent("diagnostics.txt")
    if FileManager.default.fileExists(atPath: diagnosticsFile.path) || !rendered.isEmpty {
      try expectGolden(Array(rendered.utf8), at: diagnosticsFile)
    }
    // A second run over the result changes nothing.
    let again = KatibFixer.fix(SourceText(path: name, bytes: outcome.output), options: golden.options)
    #expect(again.output == outcome.output)
    #expect(again.changes.isEmpty)
  }
}
