import Foundation
import Testing

/// Paths of the repository's own data and of the optional shared corpus.
enum Repository {
  static let root = Integration.packageRoot
  static let examples = root.appendingPathComponent("Examples")
  /// `../shared/corpus` beside the checkout; absent in a user's fresh clone.
  static let corpus = root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
  static var hasCorpus: Bool { FileManager.default.fileExists(atPath: corpus.appendingPathComponent("katib").path) }
}

/// Copies a tree and makes it writable (the shared corpus is read-only).
func copyWritable(_ source: URL, to destination: URL) throws {
  try FileManager.default.copyItem(at: source, to: destination)
  let enumerator = FileManager.default.enumerator(atPath: destination.path)
  while let relative = enumerator?.nextObject() as? String {
    let path = destination.appendingPathComponent(relative).path
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    let mode = (attributes[.posixPermissions] as? Int) ?? 0o644
    try FileManager.default.setAttributes([.posixPermissions: mode | 0o200], ofItemAtPath: path)
  }
}

/// Every regular file below `root`, as paths relative to it, sorted.
func relativeFiles(below root: URL) -> [String] {
  var files: [String] = []
  let enumerator = FileManager.default.enumerator(atPath: root.path)
  while let relative = enumerator?.nextObject() as? String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      files.append(relative)
    }
  }
  return files.sorted()
}

func bytes(of url: URL) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: url.path) ?? Data()) }
