import Foundation
import KatibSA
import Testing
import YAMLEdit

/// Hostile and odd inputs, in process: what the fixer reports and that nothing else changes.
/// The same inputs go through the binary in KatibSACLITests/EndToEndTests.swift.
@Suite struct HostileInputTests {
  // MARK: Nesting

  @Test(arguments: ["[", "{", "- ", "[{\"a\": "])
  func deepNestingIsRefusedQuickly(opener: String) {
    let text = String(repeating: opener, count: 200_000) + "\n"
    var outcome: FixOutcome!
    let elapsed = Hostile.seconds { outcome = Hostile.fix(text) }
    let errors = Hostile.errors(outcome)
    #expect(errors.count == 1)
    #expect(errors.first?.message.contains("nesting too deep") == true)
    #expect(errors.first?.location?.line == 1)
    #expect(outcome.output == outcome.original)
    #expect(elapsed < 5)
  }

  @Test func deepBlockMappingsAreRefused() {
    var text = ""
    for level in 0..<1_500 { text += String(repeating: " ", count: level) + "k\(level):\n" }
    text += String(repeating: " ", count: 1_500) + "end\n"
    let outcome = Hostile.fix(text)
    let error = Hostile.errors(outcome).first
    #expect(error?.message.contains("nesting too deep") == true)
    // The 1001st mapping starts at the key of line 1001.
    #expect(error?.location?.line == 1001)
    #expect(outcome.output == outcome.original)
  }

  @Test func nestingJustBelowTheLimitIsWalkedWithoutRecursion() throws {
    // A trialSpec of an unknown kind is searched for pod templates by a tree walk.
    let depth = 990
    var nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    nested = "{\"deep\": \(nested)}"
    let text = Hostile.experiment.replacingOccurrences(of: "kind: Job", with: "kind: Custom\n      extra: \(nested)")
      .replacingOccurrences(of: "apiVersion: batch/v1", with: "apiVersion: example.com/v1")
    let outcome = Hostile.fix(text)
    #expect(Hostile.errors(outcome).isEmpty)
    #expect(outcome.changes.count == 1)
    let before = try YAMLParser.documents(SourceText(path: "a", bytes: outcome.original))
    let after = try YAMLParser.documents(SourceText(path: "b", bytes: outcome.output))
    #expect(TreeComparison.difference(before[0], after[0]) == nil)
  }

  @Test func deepJSONInKatibConfigIsRefused() {
    let json = String(repeating: "[", count: 200_000)
    let text = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: katib-config
      data:
        suggestion: |-
          \(json)

      """
    let outcome = Hostile.fix(text)
    let error = Hostile.errors(outcome).first
    #expect(error != nil)
    #expect(error?.location?.line == 7)
    #expect(outcome.output == outcome.original)
  }

  @Test func documentWithTooManyNodesIsRefusedAndTheNextDocumentIsNot() {
    let limits = ParseLimits(maxDepth: 1000, maxNodesPerDocument: 1_000)
    let dense = "a: [" + Array(repeating: "{x: 1}", count: 400).joined(separator: ", ") + "]\n"
    let outcome = KatibFixer.fix(SourceText(path: "d.yaml", bytes: Array(dense.utf8)), options: FixOptions(limits: limits))
    let error = Hostile.errors(outcome).first
    #expect(error?.message.contains("document too large (more than 1000 nodes)") == true)
    #expect(error?.location?.line == 1)
    #expect(outcome.output == outcome.original)
    // The same number of nodes spread over documents is fine: the limit is per document.
    let spread = Array(repeating: "a: [" + Array(repeating: "{x: 1}", count: 200).joined(separator: ", ") + "]\n", count: 5)
      .joined(separator: "---\n") + "---\n" + Hostile.experiment
    let fine = KatibFixer.fix(SourceText(path: "d.yaml", bytes: Array(spread.utf8)), options: FixOptions(limits: limits))
    #expect(Hostile.errors(fine).isEmpty)
    #expect(fine.changes.count == 1)
  }

  // MARK: Aliases

  @Test func billionLaughsIsNeverExpandedAndOtherDocumentsArePatched() {
    let text = Hostile.billionLaughs() + "---\n" + Hostile.experiment
    var outcome: FixOutcome!
    let elapsed = Hostile.seconds { outcome = Hostile.fix(text) }
    #expect(Hostile.errors(outcome).isEmpty)
    #expect(outcome.changes.count == 1)
    #expect(String(decoding: outcome.output, as: UTF8.self) == Hostile.billionLaughs() + "---\n" + Hostile.patchedExperiment)
    #expect(elapsed < 2)
  }

  @Test func billionLaughsInsideATrialSpecIsWalkedOnce() {
    // An unknown trial kind is searched node by node; every alias leads to an anchor seen before.
    let bomb = Hostile.billionLaughs().split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
    let text = Hostile.experiment
      .replacingOccurrences(of: "apiVersion: batch/v1", with: "apiVersion: example.com/v1")
      .replacingOccurrences(of: "kind: Job", with: "kind: Custom\n      bomb:\n" + bomb.replacingOccurrences(of: "      a", with: "        a"))
    var outcome: FixOutcome!
    let elapsed = Hostile.seconds { outcome = Hostile.fix(text) }
    #expect(Hostile.errors(outcome).isEmpty)
    #expect(outcome.changes.count == 1)
    #expect(elapsed < 2)
  }

  @Test func aliasedMappingGetsTheKeyOnce() throws {
    let text = """
      apiVersion: config.kubeflow.org/v1beta1
      kind: KatibConfig
      runtime:
        suggestions:
        - &s
          algorithmName: random
          image: x
        - *s

      """
    let outcome = Hostile.fix(text)
    #expect(outcome.changes.count == 1)
    let output = String(decoding: outcome.output, as: UTF8.self)
    #expect(output.components(separatedBy: "serviceAccountName").count == 2)
    #expect(throws: Never.self) { try YAMLParser.documents(SourceText(path: "o", bytes: outcome.output)) }
  }

  @Test func everyDocumentOfEmbeddedTextIsPatchedInOneRun() {
    // Node ids restart in each document; the same id in two documents is two mappings.
    let config = "runtime:\n  suggestions:\n  - algorithmName: random\n    image: x\n"
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: katib-config\ndata:\n  katib-config.yaml: |\n"
      + (config + "---\n" + config).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        .map { "    " + $0 }.joined(separator: "\n") + "\n"
    let outcome = Hostile.fix(text)
    #expect(outcome.changes.count == 2)
    #expect(!Hostile.fix(bytes: outcome.output).isChanged)
  }

  // MARK: Duplicate keys

  @Test func duplicateKeysAreAnErrorAtTheSecondKeyWithANoteAtTheFirst() {
    let text = Hostile.experiment.replacingOccurrences(of: "  name: x\n", with: "  name: x\n  labels: {}\n  name: y\n")
    let outcome = Hostile.fix(text, path: "dup.yaml")
    let errors = Hostile.errors(outcome)
    #expect(errors.count == 1)
    let error = errors[0]
    #expect(error.message == "duplicate key 'name' in a mapping")
    #expect(error.location?.description == "dup.yaml:6:3")
    #expect(error.notes.first?.location?.description == "dup.yaml:4:3")
    #expect(error.description.hasPrefix("dup.yaml:6:3: error: duplicate key 'name'"))
    #expect(outcome.output == outcome.original)
    #expect(outcome.changes.isEmpty)
  }

  @Test func duplicateKeysInAFlowMapping() {
    let outcome = Hostile.fix("a: {x: 1, y: 2, x: 3}\n")
    #expect(Hostile.errors(outcome).first?.location?.column == 17)
    #expect(Hostile.errors(outcome).first?.notes.first?.location?.column == 5)
  }

  // MARK: Encodings and line endings

  @Test func byteOrderMarkAndCRLFAreKept() {
    let crlf = Hostile.experiment.replacingOccurrences(of: "\n", with: "\r\n")
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(crlf.utf8)
    let outcome = Hostile.fix(bytes: bytes)
    #expect(Hostile.errors(outcome).isEmpty)
    let expected: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(Hostile.patchedExperiment.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    #expect(outcome.output == expected)
  }

  @Test func mixedLineEndingsKeepTheirOwnAndTheNewLineTakesItsNeighbours() {
    // Only the line the new key goes above ends in CRLF; another ends in a lone CR.
    let text = Hostile.experiment
      .replacingOccurrences(of: "            containers:\n", with: "            containers:\r\n")
      .replacingOccurrences(of: "  name: x\n", with: "  name: x\r")
    let outcome = Hostile.fix(text)
    #expect(Hostile.errors(outcome).isEmpty)
    let expected = text.replacingOccurrences(
      of: "            containers:\r\n", with: "            serviceAccountName: default-editor\r\n            containers:\r\n")
    #expect(String(decoding: outcome.output, as: UTF8.self) == expected)
  }

  @Test func carriageReturnOnlyFile() {
    let text = Hostile.experiment.replacingOccurrences(of: "\n", with: "\r")
    let outcome = Hostile.fix(text)
    #expect(String(decoding: outcome.output, as: UTF8.self) == Hostile.patchedExperiment.replacingOccurrences(of: "\n", with: "\r"))
  }

  @Test func noFinalNewlineStaysWithout() {
    var text = Hostile.experiment
    text.removeLast()
    var expected = Hostile.patchedExperiment
    expected.removeLast()
    #expect(String(decoding: Hostile.fix(text).output, as: UTF8.self) == expected)
    // An entry appended after the last line of the input.
    let config = "apiVersion: config.kubeflow.org/v1beta1\r\nkind: KatibConfig\r\nruntime:\r\n  suggestions:\r\n  - algorithmName: random"
    let fixed = String(decoding: Hostile.fix(config).output, as: UTF8.self)
    #expect(fixed == config + "\r\n    serviceAccountName: default-editor")
  }

  @Test(arguments: [
    ("UTF-16", [0xFF, 0xFE, 0x61, 0x00, 0x3A, 0x00] as [UInt8]),
    ("UTF-16", [0xFE, 0xFF, 0x00, 0x61, 0x00, 0x3A]),
    ("UTF-16", [0x61, 0x00, 0x3A, 0x00, 0x20, 0x00]),
    ("UTF-32", [0xFF, 0xFE, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00]),
    ("UTF-32", [0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x61]),
    ("UTF-32", [0x00, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00, 0x3A]),
  ])
  func utf16AndUTF32AreRefused(name: String, bytes: [UInt8]) {
    let outcome = Hostile.fix(bytes: bytes, path: "wide.yaml")
    let error = Hostile.errors(outcome).first
    #expect(error?.message.contains(name) == true)
    #expect(error?.message.contains("convert the file to UTF-8") == true)
    #expect(error?.location?.description == "wide.yaml:1:1")
    #expect(outcome.output == bytes)
  }

  // MARK: Bytes that are not text

  @Test(arguments: [
    // input, line:column, words the message must hold
    (Array("a: b\nc: d\u{FF}".utf8).dropLast(2) + [0xFF, 0x0A], "2:5", "invalid leading UTF-8 octet (byte 0xFF)"),
    (Array("x: é€😀 ".utf8) + [0xC3, 0x28, 0x0A], "1:8", "invalid trailing UTF-8 octet (byte 0x28)"),
    (Array("x: é€😀 ".utf8) + [0xF0, 0x9F, 0x98, 0x0A], "1:8", "invalid trailing UTF-8 octet (byte 0x0A)"),
    (Array("x: é\n".utf8) + [0xE2, 0x82], "2:1", "incomplete UTF-8 octet sequence"),
    (Array("a: 1\r\nb: 2\r\nc: ab".utf8) + [0x00, 0x0A], "3:6", "NUL byte"),
    (Array("a: \"x".utf8) + [0xC2, 0x85] + Array("y\"\nb: ".utf8) + [0xED, 0xA0, 0x80], "2:4", "U+D800"),
    ([0xEF, 0xBB, 0xBF] + Array("a: ".utf8) + [0x01], "1:4", "U+0001"),
    ([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00], "1:1", "control characters"),
  ] as [([UInt8], String, String)])
  func invalidBytesAreLocatedAndNeverEchoed(bytes: [UInt8], position: String, words: String) {
    let outcome = Hostile.fix(bytes: bytes, path: "bad.yaml")
    let error = Hostile.errors(outcome).first
    #expect(error?.location?.description == "bad.yaml:" + position)
    #expect(error?.message.contains(words) == true, "\(error?.message ?? "no error")")
    #expect(Hostile.isPrintable(outcome.diagnostics.map(\.description).joined(separator: "\n")))
    #expect(outcome.output == bytes)
  }

  @Test func randomBinaryIsRefusedWithPrintableMessages() {
    var generator = SplitMix(seed: 42)
    for _ in 0..<200 {
      let bytes = (0..<Int(generator.next() % 4096 + 2)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      let outcome = Hostile.fix(bytes: bytes, path: "blob.yaml")
      #expect(outcome.output == bytes)
      let text = outcome.diagnostics.map(\.description).joined(separator: "\n")
      #expect(Hostile.isPrintable(text))
      if let error = Hostile.errors(outcome).first {
        #expect(error.location != nil)
        #expect(error.description.hasPrefix("blob.yaml:"))
      }
    }
  }

  @Test func nelLineSeparatorAndParagraphSeparatorInQuotedStringsAreKept() {
    // NEL, LS and PS are line breaks to libyaml but not to editors.
    let annotation = "  annotations:\n    note: \"one\u{85}two\u{2028}three\u{2029}four\"\n    other: 'a\u{85}b'\n"
    let text = Hostile.experiment.replacingOccurrences(of: "  name: x\n", with: "  name: x\n" + annotation)
    let outcome = Hostile.fix(text)
    #expect(Hostile.errors(outcome).isEmpty)
    #expect(String(decoding: outcome.output, as: UTF8.self)
      == Hostile.patchedExperiment.replacingOccurrences(of: "  name: x\n", with: "  name: x\n" + annotation))
    // An error after them is on the line an editor shows.
    let broken = "a: \"x\u{85}y\u{2028}z\u{2029}w\"\r\nb: 'p\u{85}q'\nc: @\n"
    let error = Hostile.errors(Hostile.fix(broken, path: "nel.yaml")).first
    #expect(error?.location?.description == "nel.yaml:3:4")
  }

  // MARK: Templates and text that is not YAML

  @Test func helmTemplateThatParsesAsYAMLIsRefused() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
    let outcome = Hostile.fix(text, path: "t.yaml")
    let error = Hostile.errors(outcome).first
    #expect(error?.location?.description == "t.yaml:4:9")
    #expect(error?.notes.contains { $0.message.contains("looks like a template") } == true)
    #expect(outcome.output == outcome.original)
  }

  @Test func helmTemplateThatDoesNotParseIsRefusedWithTheNote() {
    let text = Hostile.experiment.replacingOccurrences(
      of: "spec:\n  trialTemplate", with: "spec:\n{{- if .Values.trial }}\n  trialTemplate")
    let outcome = Hostile.fix(text, path: "t.yaml")
    let error = Hostile.errors(outcome).first
    #expect(error != nil)
    #expect(error?.location?.line == 6 || error?.location?.line == 7)
    #expect(error?.notes.contains { $0.message.contains("looks like a template") && $0.location?.line == 6 } == true)
    #expect(outcome.output == outcome.original)
  }

  @Test func argoParametersInStringsAreNotTemplates() {
    let text = Hostile.experiment.replacingOccurrences(of: "image: busybox", with: "image: busybox\n                args: [\"{{inputs.parameters.lr}}\"]")
    let outcome = Hostile.fix(text)
    #expect(Hostile.errors(outcome).isEmpty)
    #expect(outcome.changes.count == 1)
  }

  @Test(arguments: [
    "- op: add\n  path: /spec/template/spec/serviceAccountName\n  value: default-editor\n",
    "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata:\n  name: x\n$patch: delete\n",
    "resources:\n- experiment.yaml\npatches:\n- path: patch.yaml\n",
  ])
  func kustomizePatchesAreLeftAlone(text: String) {
    let outcome = Hostile.fix(text)
    #expect(Hostile.errors(outcome).isEmpty)
    #expect(outcome.output == outcome.original)
  }

  @Test(arguments: [
    ("key: value: other\n", "1:11"),
    ("# Title\n\nSome *markdown* text: with a colon\n- and: [a list\n", "4:1"),
    ("[section]\nname=value\n", "2:1"),
    ("\"unterminated: x\n", "2:1"),
  ])
  func notYAMLIsAnErrorAtTheFirstBadToken(text: String, position: String) {
    let outcome = Hostile.fix(text, path: "n.yaml")
    let error = Hostile.errors(outcome).first
    #expect(error?.location?.description == "n.yaml:" + position, "\(outcome.diagnostics)")
    #expect(outcome.output == outcome.original)
  }

  // MARK: Nothing to do

  @Test(arguments: ["", "\n", "# only\n# comments", "---\n...\n", "\u{FEFF}", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n"])
  func inputsWithoutKatibResourcesComeBackIdentical(text: String) {
    let outcome = Hostile.fix(text)
    #expect(Hostile.errors(outcome).isEmpty)
    #expect(outcome.changes.isEmpty)
    #expect(!outcome.isChanged)
  }

  // MARK: A large stream

  @Test func largeStreamIsPatchedInEveryTargetDocument() {
    let other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  key: \"some text\"\n"
    var input = ""
    var expected = ""
    var experiments = 0
    var index = 0
    while input.utf8.count < 5_000_000 {
      let isExperiment = index % 3 != 0
      let document = isExperiment ? Hostile.experiment.replacingOccurrences(of: "name: x", with: "name: x\(index)") : other
      let patched = isExperiment ? Hostile.patchedExperiment.replacingOccurrences(of: "name: x", with: "name: x\(index)") : other
      if index > 0 {
        input += "---\n"
        expected += "---\n"
      }
      input += document
      expected += patched
      if isExperiment { experiments += 1 }
      index += 1
    }
    let outcome = Hostile.fix(input)
    #expect(Hostile.errors(outcome).isEmpty)
    #expect(outcome.changes.count == experiments)
    #expect(outcome.output == Array(expected.utf8))
  }
}

/// A small deterministic generator for reproducible random inputs.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// NEL, LS and PS outside quoted strings are line breaks to libyaml but not to editors: an
/// insertion that depends on where a line ends must not be made across one.
@Suite struct UnicodeLineBreakLayoutTests {
  @Test func nelAfterAnItemsOnlyEntryRefusesTheInsertion() {
    // With a single entry the key would go after it, on a line the NEL has already begun.
    let text = "apiVersion: config.kubeflow.org/v1beta1\nkind: KatibConfig\nruntime:\n  suggestions:\n"
      + "  - algorithmName: a\u{85}  - algorithmName: b\n"
    let outcome = Hostile.fix(text)
    #expect(Hostile.errors(outcome).isEmpty)
    #expect(outcome.diagnostics.contains { $0.message.contains("NEL, LS or PS") })
    #expect(!Hostile.fix(bytes: outcome.output).isChanged)
  }

  @Test func nelAfterTheLastEntryOfASequenceItemRefusesTheInsertion() throws {
    let text = "apiVersion: config.kubeflow.org/v1beta1\nkind: KatibConfig\nruntime:\n  suggestions:\n"
      + "  - algorithmName: a\n    image: x\u{85}  - algorithmName: b\n    image: y\n"
    let outcome = Hostile.fix(text)
    #expect(Hostile.errors(outcome).isEmpty)
    // Both items get the key before their second key, whose line starts after a LF, so it is a
    // line for libyaml too; the NEL is never crossed.
    #expect(outcome.changes.count == 2)
    #expect(String(decoding: outcome.output, as: UTF8.self).hasSuffix(
      "  - algorithmName: a\n    serviceAccountName: default-editor\n    image: x\u{85}  - algorithmName: b\n    serviceAccountName: default-editor\n    image: y\n"))
    let again = Hostile.fix(bytes: outcome.output)
    #expect(!again.isChanged)
    let documents = try YAMLParser.documents(SourceText(path: "o", bytes: outcome.output))
    #expect(documents.count == 1)
  }

  @Test func commentHoldingLineSeparatorIsNotAnAttachedComment() {
    let text = Hostile.experiment.replacingOccurrences(
      of: "            containers:\n", with: "            # note\u{2028}restartPolicy: Never\n            containers:\n")
    let outcome = Hostile.fix(text)
    let again = Hostile.fix(bytes: outcome.output)
    #expect(!again.isChanged)
  }
}

/// Text embedded in a literal block whose lines end in lone CRs.
@Suite struct EmbeddedLineEndingTests {
  @Test func insertionIntoALiteralBlockWithCarriageReturnsKeepsTheBlockIndent() throws {
    // The line the key goes above ends in a lone CR, so the inserted line does too; the line
    // after it must still get the block's indentation.
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: katib-config\ndata:\n  katib-config.yaml: |\n"
      + "    runtime:\n      suggestions:\n      - algorithmName: random\n        image: x\r  other: y\n"
    let outcome = Hostile.fix(text)
    #expect(outcome.changes.count == 1)
    #expect(String(decoding: outcome.output, as: UTF8.self) == text.replacingOccurrences(
      of: "random\n        image", with: "random\n        serviceAccountName: default-editor\r        image"))
    #expect(!Hostile.fix(bytes: outcome.output).isChanged)
  }
}

/// Flow mappings written without a space after the colon.
@Suite struct CompactFlowTests {
  @Test func plainKeysGetASpaceAfterTheColonJSONKeysDoNot() throws {
    // The first key is a flow sequence, which may touch its colon: the mapping looks compact.
    let yaml = Hostile.experiment.replacingOccurrences(
      of: "          spec:\n            containers:\n              - name: t\n                image: busybox\n",
      with: "          spec: {[x]:[y], containers: []}\n")
    let fixed = String(decoding: Hostile.fix(yaml).output, as: UTF8.self)
    #expect(fixed.contains("spec: {[x]:[y], containers: [],serviceAccountName: default-editor}"))
    #expect(!Hostile.fix(fixed).isChanged)
    let json = #"{"apiVersion":"kubeflow.org/v1beta1","kind":"Experiment","spec":{"trialTemplate":{"trialSpec":{"apiVersion":"batch/v1","kind":"Job","spec":{"template":{"spec":{"containers":[]}}}}}}}"#
    let fixedJSON = String(decoding: Hostile.fix(json).output, as: UTF8.self)
    #expect(fixedJSON.contains(#"{"containers":[],"serviceAccountName":"default-editor"}"#))
  }
}
