#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif
import YAMLEdit

/// What one command-line PATH argument, or one entry found under it, stands for.
public enum InputItem: Sendable, Equatable {
  /// A file to read with `FileIO.readRegularFile`; `path` may be a symbolic link given explicitly.
  case file(displayPath: String, path: String)
  /// The argument "-".
  case standardInput
  /// An entry deliberately left alone, with a note saying why.
  case skipped(Diagnostic)
  /// A path that cannot be used, with an error.
  case failed(Diagnostic)
}

/// Expands the command line's PATH arguments into files, in a deterministic order.
public enum InputCollector {
  /// File name endings kept when walking a directory.
  public static let manifestExtensions = [".yaml", ".yml", ".json"]

  /// Expands `arguments`, in argument order:
  /// - "-" is standard input;
  /// - a regular file is kept whatever its name;
  /// - a symbolic link given explicitly is followed: to a file it is kept (read through the link, which
  ///   stays a link), to a directory the directory is walked;
  /// - a directory (whatever its name, even `d.yaml`) is walked depth first, entries sorted by the bytes of
  ///   their names. Hidden entries (including our temporary files `.x.katib-sa-tmp.*`) are skipped silently,
  ///   symbolic links are neither followed nor written and yield a note, FIFOs, sockets and devices yield a
  ///   note and are never opened, and regular files are kept only when they end in .yaml, .yml or .json;
  /// - a FIFO, socket or device given explicitly, or a missing or unreadable path, fails.
  ///
  /// Display paths are the argument joined with the entry names ("manifests/a/b.yaml").
  public static func collect(_ arguments: [String]) -> [InputItem] {
    var items: [InputItem] = []
    for argument in arguments {
      collect(argument: argument, into: &items)
    }
    return items
  }

  private static func location(_ path: String) -> SourceLocation { FileIO.fileLocation(path) }

  private static func collect(argument: String, into items: inout [InputItem]) {
    if argument == "-" {
      items.append(.standardInput)
      return
    }
    if argument.isEmpty {
      items.append(.failed(.error("empty path given; name a file or a directory", at: location(argument))))
      return
    }
    var st: stat
    switch POSIX.lstatPath(argument) {
    case .success(let found): st = found
    case .failure(let error):
      items.append(.failed(accessError(argument, error)))
      return
    }
    var kind = FileKind(mode: UInt32(st.st_mode))
    if kind == .symbolicLink {
      // A link named on the command line is followed, once; links found inside directories are not.
      switch POSIX.statPath(argument) {
      case .success(let target):
        st = target
        kind = FileKind(mode: UInt32(target.st_mode))
      case .failure(let error):
        let message =
          error.code == ENOENT
          ? "broken symbolic link; its target does not exist" : "cannot follow symbolic link: \(error.text)"
        items.append(.failed(.error(message, at: location(argument))))
        return
      }
    }
    switch kind {
    case .regular:
      items.append(.file(displayPath: argument, path: argument))
    case .directory:
      walk(directory: argument, into: &items)
    default:
      items.append(
        .failed(
          .error(
            "not a regular file (it is \(kind.phrase)); name a manifest file or a directory",
            at: location(argument))))
    }
  }

  private static func accessError(_ path: String, _ error: Errno) -> Diagnostic {
    switch error.code {
    case ENOENT: .error("no such file or directory", at: location(path))
    case EACCES: .error("permission denied; check the permissions of the path", at: location(path))
    default: .error("cannot access path: \(error.text)", at: location(path))
    }
  }

  /// `parent` joined with `name`, without doubling a trailing slash.
  private static func join(_ parent: String, _ name: String) -> String {
    parent.hasSuffix("/") ? parent + name : parent + "/" + name
  }

  /// A directory being walked: its sorted entries and the position of the next one.
  private struct Frame {
    var path: String
    var entries: [[UInt8]]
    var next = 0
  }

  /// Walks `root` depth first without recursion: a stack holds one frame per open directory level.
  private static func walk(directory root: String, into items: inout [InputItem]) {
    var stack: [Frame] = []
    switch listDirectory(root) {
    case .success(let entries): stack.append(Frame(path: root, entries: entries))
    case .failure(let diagnostic):
      items.append(.failed(diagnostic))
      return
    }

    while !stack.isEmpty {
      let top = stack.count - 1
      guard stack[top].next < stack[top].entries.count else {
        stack.removeLast()
        continue
      }
      let rawName = stack[top].entries[stack[top].next]
      stack[top].next += 1
      // Linux names are bytes; a name that is not UTF-8 cannot be round-tripped through String.
      guard let name = String(validating: rawName, as: UTF8.self) else {
        let shown = join(stack[top].path, String(decoding: rawName, as: UTF8.self))
        items.append(
          .skipped(.note("skipping entry whose name is not valid UTF-8; rename it", at: location(shown))))
        continue
      }
      let path = join(stack[top].path, name)

      let st: stat
      switch POSIX.lstatPath(path) {
      case .success(let found): st = found
      case .failure(let error):
        // Removed since the directory was listed: nothing to patch.
        if error.code != ENOENT { items.append(.failed(accessError(path, error))) }
        continue
      }
      let kind = FileKind(mode: UInt32(st.st_mode))
      switch kind {
      case .directory:
        switch listDirectory(path) {
        case .success(let entries): stack.append(Frame(path: path, entries: entries))
        case .failure(let diagnostic): items.append(.failed(diagnostic))
        }
      case .regular:
        if manifestExtensions.contains(where: { name.hasSuffix($0) }) {
          items.append(.file(displayPath: path, path: path))
        }
      case .symbolicLink:
        items.append(
          .skipped(
            .note(
              "skipping symbolic link; links inside directories are not followed (name the link explicitly to patch its target)",
              at: location(path))))
      default:
        items.append(
          .skipped(.note("skipping \(kind.phrase); only regular files are patched", at: location(path))))
      }
    }
  }

  /// The visible entry names of a directory, sorted by their bytes; hidden names are dropped.
  private static func listDirectory(_ path: String) -> Result<[[UInt8]], Diagnostic> {
    guard let handle = opendir(path) else {
      let error = Errno(errno)
      let message =
        error.code == EACCES
        ? "cannot read directory: permission denied; check its permissions"
        : "cannot read directory: \(error.text)"
      return .failure(.error(message, at: location(path)))
    }
    defer { closedir(handle) }
    var names: [[UInt8]] = []
    while true {
      errno = 0
      guard let entry = readdir(handle) else {
        if errno != 0 {
          return .failure(.error("cannot read directory: \(Errno(errno).text)", at: location(path)))
        }
        break
      }
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        Array(raw.prefix(while: { $0 != 0 }))
      }
      // Hidden entries, "." and "..", and our temporary files all start with a dot.
      if name.first == UInt8(ascii: ".") { continue }
      names.append(name)
    }
    names.sort { $0.lexicographicallyPrecedes($1) }
    return .success(names)
  }
}
