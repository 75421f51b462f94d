import Foundation
import Testing
import YAMLEdit

@testable import KatibSACLI

/// Runs the real binary over a copy of Katib's own manifests (../shared/corpus) and checks the
/// result against the corpus index, which was written from the upstream sources, not by this tool.
@Suite(.enabled(if: Repository.hasCorpus, "../shared/corpus is absent; the corpus test is skipped"))
struct CorpusTests {
  /// One row of `INDEX.tsv`: a document of a file and what it holds.
  struct IndexRow {
    var file: String
    var document: Int
    var kind: String
    var role: String
    var values: String
    var podSpecPaths: String
  }

  static func index(_ folder: String) throws -> [IndexRow] {
    let text = try String(contentsOf: Repository.corpus.appendingPathComponent("\(folder)/INDEX.tsv"), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { line in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      return IndexRow(
        file: fields[0], document: Int(fields[1]) ?? 0, kind: fields[3], role: fields[5], values: fields[6],
        podSpecPaths: fields[7])
    }
  }

  struct Tally {
    var files = 0
    var changedFiles = 0
    var podTemplates = 0
    var suggestions = 0
    var insertedLines = 0
  }

  @Test(arguments: ["katib", "awslabs"])
  func everyTargetGetsTheAccountAndNothingElseChanges(_ folder: String) throws {
    let work = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: work) }
    let original = Repository.corpus.appendingPathComponent(folder)
    let copy = work.appendingPathComponent(folder)
    try copyWritable(original, to: copy)

    let first = try Binary.run([copy.path])
    // The Helm chart templates in the corpus are not YAML: they fail, and nothing else may.
    let errorLines = first.stderrText.split(separator: "\n").filter { $0.contains(": error: ") }
    #expect(errorLines.allSatisfy { $0.contains("/templates/") }, "\(errorLines)")

    var tally = Tally()
    let rows = try Self.index(folder)
    let rowsByFile = Dictionary(grouping: rows, by: \.file)
    for relative in relativeFiles(below: original) where [".yaml", ".yml", ".json"].contains(where: relative.hasSuffix) {
      tally.files += 1
      let before = bytes(of: original.appendingPathComponent(relative))
      let after = bytes(of: copy.appendingPathComponent(relative))
      let fileRows = rowsByFile[relative] ?? []
      let isTarget = fileRows.contains {
        ["experiment", "trial-templates-configmap"].contains($0.role) || $0.role.hasPrefix("katib-config")
      }
      if !isTarget {
        #expect(before == after, "\(relative) is not a Katib target and must stay byte-identical")
        continue
      }
      if before != after { tally.changedFiles += 1 }
      // Only whole lines were added.
      let script = UnifiedDiff.script(UnifiedDiff.lines(before), UnifiedDiff.lines(after))
      #expect(!script.contains { $0.0 == .delete }, "\(relative) has changed or removed lines")
      tally.insertedLines += script.filter { $0.0 == .insert }.count
      let documents = try YAMLParser.documents(SourceText(path: relative, bytes: after))
      for row in fileRows {
        guard documents.indices.contains(row.document) else {
          Issue.record("\(relative) has no document \(row.document)")
          continue
        }
        let document = documents[row.document]
        let root = try #require(document.root)
        check(row, in: document, root: root, tally: &tally)
      }
    }
    // A second run finds nothing left to do.
    let second = try Binary.run(["--check", "--quiet", copy.path])
    #expect(second.stderrText.split(separator: "\n").allSatisfy { !$0.contains("would patch") })
    print(
      "corpus \(folder): \(tally.files) files, \(tally.changedFiles) changed, \(tally.podTemplates) pod templates "
        + "and \(tally.suggestions) suggestion algorithms checked, \(tally.insertedLines) lines inserted, 0 changed")
    #expect(tally.changedFiles > 0)
  }

  func check(_ row: IndexRow, in document: YAMLDocument, root: NodeID, tally: inout Tally) {
    func hasAccount(_ node: NodeID?, _ what: String, in tree: YAMLDocument? = nil) {
      let tree = tree ?? document
      let value = node.flatMap { tree.string(at: ["serviceAccountName"], from: $0) }
      // The examples that already name another account keep it (Argo's 'argo').
      #expect(value != nil, "\(row.file)#\(row.document): \(what) has no serviceAccountName")
    }
    switch row.role {
    case "experiment":
      guard row.podSpecPaths.hasPrefix("spec.") else { return }
      for path in row.podSpecPaths.split(separator: ",") {
        let keys = ["spec", "trialTemplate", "trialSpec"] + path.split(separator: ".").map(String.init)
        hasAccount(document.value(at: keys, from: root), String(path))
        tally.podTemplates += 1
      }
    case "trial-templates-configmap":
      // "key=apiVersion/Kind[path,path] ; key=…"
      for entry in row.values.split(separator: ";") {
        let parts = entry.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let open = parts[1].firstIndex(of: "["), let inner = embedded(document, root, String(parts[0]))
        else { continue }
        let paths = parts[1][parts[1].index(after: open)...].dropLast()
        for path in paths.split(separator: ",") {
          hasAccount(inner.document.value(at: path.split(separator: ".").map(String.init), from: inner.root), "\(parts[0]) \(path)", in: inner.document)
          tally.podTemplates += 1
        }
      }
    case let role where role.hasPrefix("katib-config-configmap"):
      guard let suggestion = document.string(at: ["data", "suggestion"], from: root),
        let object = try? JSONSerialization.jsonObject(with: Data(suggestion.utf8)) as? [String: Any]
      else {
        Issue.record("\(row.file): data.suggestion is missing or not JSON after the run")
        return
      }
      for (name, value) in object {
        #expect((value as? [String: Any])?["serviceAccountName"] as? String != nil, "\(row.file): \(name)")
        tally.suggestions += 1
      }
    case let role where role.hasPrefix("katib-config-file"):
      let suggestions = document.value(at: ["runtime", "suggestions"], from: root)
      for item in suggestions.map({ document.items(of: $0) }) ?? [] {
        hasAccount(item, "runtime.suggestions[]")
        tally.suggestions += 1
      }
    default:
      break
    }
  }

  /// Parses a ConfigMap value holding a trialSpec; nil for one that is not valid YAML (v0.9.0's).
  func embedded(_ document: YAMLDocument, _ root: NodeID, _ key: String) -> (document: YAMLDocument, root: NodeID)? {
    guard let text = document.string(at: ["data", key], from: root),
      let inner = try? YAMLParser.documents(SourceText(path: key, bytes: Array(text.utf8))).first,
      let innerRoot = inner.root
    else { return nil }
    return (inner, innerRoot)
  }
}
