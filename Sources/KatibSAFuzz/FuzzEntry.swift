// libFuzzer entry point for katib-sa. Built only when KATIB_SA_FUZZ=1 is set for the package
// manifest (see Package.swift and Tests/Scripts/fuzz.sh), because it has no `main` of its own:
// libFuzzer supplies it.
import KatibSA
import YAMLEdit

#if canImport(Glibc)
  import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  FuzzProperties.check(bytes)
  return 0
}

enum FuzzProperties {
  static func fail(_ what: String) -> Never {
    let text = Array("katib-sa fuzz property violated: \(what)\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    abort()
  }

  static func check(_ bytes: [UInt8]) {
    let outcome = KatibFixer.fix(SourceText(path: "fuzz.yaml", bytes: bytes))
    guard outcome.original == bytes else { fail("outcome.original differs from the input") }
    // Errors or no edits: the bytes come back untouched.
    if outcome.hasErrors || outcome.changes.isEmpty {
      guard outcome.output == bytes else { fail("output changed although no change was reported") }
      return
    }
    // The output parses again.
    let before: [YAMLDocument]
    let after: [YAMLDocument]
    do {
      before = try YAMLParser.documents(SourceText(path: "in", bytes: bytes))
    } catch {
      fail("the input reparsed with an error after a successful fix: \(error)")
    }
    do {
      after = try YAMLParser.documents(SourceText(path: "out", bytes: outcome.output))
    } catch {
      fail("the output does not parse: \(error)")
    }
    // A second run makes no edits.
    let again = KatibFixer.fix(SourceText(path: "fuzz.yaml", bytes: outcome.output))
    if again.hasErrors { fail("the second run reports an error: \(again.diagnostics)") }
    if again.isChanged || !again.changes.isEmpty { fail("the second run changes the output again") }
    // Same documents, only serviceAccountName (and taskRunTemplate) keys added.
    guard before.count == after.count else { fail("document count changed") }
    for (a, b) in zip(before, after) {
      if let problem = TreeComparison.difference(a, b, embeddedDepth: 1) { fail(problem) }
    }
  }
}
