// libFuzzer entry point for katib-sa. Built only when KATIB_SA_FUZZ=1 is set for the package
// manifest (see Package.swift and Tests/Scripts/fuzz.sh), because it has no `main` of its own:
// libFuzzer supplies it.
import KatibSAChecks

#if canImport(Glibc)
  import Glibc
#endif

/// Each input is checked as it is and placed where katib-sa edits (FixInvariants.contexts).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  if let problem = FixInvariants.violationInAnyContext(bytes) {
    let text = Array("katib-sa fuzz property violated: \(problem)\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    abort()
  }
  return 0
}
