#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif
import YAMLEdit

/// Identity of a file at the moment it was read, to detect a change before overwriting it.
///
/// Access time is deliberately left out: reading a file changes it.
public struct FileIdentity: Sendable, Equatable, Hashable {
  public var device: UInt64
  public var inode: UInt64
  public var size: Int64
  public var mtimeSeconds: Int64
  public var mtimeNanoseconds: Int64
  public var ctimeSeconds: Int64
  public var ctimeNanoseconds: Int64
  /// The full `st_mode`: file type and permission bits.
  public var mode: UInt32
  public var uid: UInt32
  public var gid: UInt32
  public var linkCount: UInt64

  public init(
    device: UInt64, inode: UInt64, size: Int64, mtimeSeconds: Int64, mtimeNanoseconds: Int64,
    ctimeSeconds: Int64, ctimeNanoseconds: Int64, mode: UInt32, uid: UInt32, gid: UInt32,
    linkCount: UInt64
  ) {
    self.device = device
    self.inode = inode
    self.size = size
    self.mtimeSeconds = mtimeSeconds
    self.mtimeNanoseconds = mtimeNanoseconds
    self.ctimeSeconds = ctimeSeconds
    self.ctimeNanoseconds = ctimeNanoseconds
    self.mode = mode
    self.uid = uid
    self.gid = gid
    self.linkCount = linkCount
  }

  init(_ st: stat) {
    self.init(
      device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
      mtimeSeconds: Int64(st.st_mtim.tv_sec), mtimeNanoseconds: Int64(st.st_mtim.tv_nsec),
      ctimeSeconds: Int64(st.st_ctim.tv_sec), ctimeNanoseconds: Int64(st.st_ctim.tv_nsec),
      mode: UInt32(st.st_mode), uid: UInt32(st.st_uid), gid: UInt32(st.st_gid),
      linkCount: UInt64(st.st_nlink))
  }

  /// The permission bits, including set-user-ID, set-group-ID and sticky.
  public var permissions: UInt32 { mode & 0o7777 }
  public var isRegularFile: Bool { FileKind(mode: mode) == .regular }
}

/// The file type bits of `st_mode`, spelled out for messages.
enum FileKind: Equatable {
  case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, unknown

  init(mode: UInt32) {
    switch mode & 0o170000 {
    case 0o100000: self = .regular
    case 0o040000: self = .directory
    case 0o120000: self = .symbolicLink
    case 0o010000: self = .fifo
    case 0o140000: self = .socket
    case 0o020000: self = .characterDevice
    case 0o060000: self = .blockDevice
    default: self = .unknown
    }
  }

  /// "a fifo", "a directory", ... for "it is a fifo".
  var phrase: String {
    switch self {
    case .regular: "a regular file"
    case .directory: "a directory"
    case .symbolicLink: "a symbolic link"
    case .fifo: "a fifo (named pipe)"
    case .socket: "a socket"
    case .characterDevice: "a character device"
    case .blockDevice: "a block device"
    case .unknown: "of an unknown type"
    }
  }
}

/// Small POSIX helpers shared by the file-system code.
enum POSIX {
  /// `strerror(code)` with a lowercase first letter, as messages are lowercase.
  static func describe(_ code: Int32) -> String {
    var text = String(cString: strerror(code))
    // "No such file or directory" becomes "no such file...", but "I/O error" stays as it is.
    let scalars = Array(text.unicodeScalars.prefix(2))
    if scalars.count == 2, scalars[0].properties.isUppercase, scalars[1].properties.isLowercase {
      text = text.prefix(1).lowercased() + text.dropFirst()
    }
    return text
  }

  /// `lstat`, returning the `errno` on failure.
  static func lstatPath(_ path: String) -> Result<stat, Errno> {
    var st = stat()
    while true {
      if lstat(path, &st) == 0 { return .success(st) }
      if errno != EINTR { return .failure(Errno(errno)) }
    }
  }

  static func statPath(_ path: String) -> Result<stat, Errno> {
    var st = stat()
    while true {
      if stat(path, &st) == 0 { return .success(st) }
      if errno != EINTR { return .failure(Errno(errno)) }
    }
  }

  /// `realpath(path)`.
  static func resolve(_ path: String) -> Result<String, Errno> {
    guard let resolved = realpath(path, nil) else { return .failure(Errno(errno)) }
    defer { free(resolved) }
    return .success(String(cString: resolved))
  }

  static func closeIgnoringErrors(_ fd: Int32) {
    // Linux releases the descriptor even when close fails; never retry on EINTR.
    _ = close(fd)
  }

  /// The directory part of an absolute or relative path ("." when there is none).
  static func directoryName(_ path: String) -> String {
    let bytes = Array(path.utf8)
    guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
    if slash == 0 { return "/" }
    return String(decoding: bytes[..<slash], as: UTF8.self)
  }

  /// The last component of a path.
  static func baseName(_ path: String) -> String {
    let bytes = Array(path.utf8)
    guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return path }
    return String(decoding: bytes[(slash + 1)...], as: UTF8.self)
  }
}

/// An `errno` value carried through `Result`.
struct Errno: Error, Equatable {
  var code: Int32
  init(_ code: Int32) { self.code = code }
  var text: String { POSIX.describe(code) }
}

public enum FileIO {
  /// The position used for problems that concern a whole file.
  public static func fileLocation(_ displayPath: String) -> SourceLocation {
    SourceLocation(path: displayPath, line: 1, column: 1, offset: 0)
  }

  static func fileError(_ displayPath: String, _ message: String) -> Diagnostic {
    .error(message, at: fileLocation(displayPath))
  }

  /// Reads a regular file fully.
  ///
  /// `path` may be a symbolic link given explicitly by the user: it is resolved with `realpath`, and the
  /// target is what is read (and later replaced); the link itself stays a link. FIFOs, sockets and devices
  /// are refused without being opened: the resolved path is `lstat`ed first, then opened with
  /// `O_NONBLOCK|O_NOFOLLOW` and checked again with `fstat`.
  ///
  /// Returns the bytes, the identity of the file as it was read, and the resolved real path.
  public static func readRegularFile(displayPath: String, path: String) throws(Diagnostic) -> (
    bytes: [UInt8], identity: FileIdentity, realPath: String
  ) {
    let realPath: String
    switch POSIX.resolve(path) {
    case .success(let resolved): realPath = resolved
    case .failure(let error):
      if error.code == ENOENT, case .success(let st) = POSIX.lstatPath(path),
        FileKind(mode: UInt32(st.st_mode)) == .symbolicLink
      {
        throw fileError(
          displayPath, "cannot read file: it is a broken symbolic link; fix or remove the link")
      }
      throw fileError(displayPath, "cannot read file: \(error.text)")
    }

    let before: stat
    switch POSIX.lstatPath(realPath) {
    case .success(let st): before = st
    case .failure(let error): throw fileError(displayPath, "cannot read file: \(error.text)")
    }
    let kind = FileKind(mode: UInt32(before.st_mode))
    guard kind == .regular else {
      throw fileError(
        displayPath, "not a regular file (it is \(kind.phrase)); only regular files can be patched")
    }

    var fd: Int32
    repeat {
      fd = open(realPath, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC)
    } while fd < 0 && errno == EINTR
    if fd < 0 {
      let code = errno
      if code == ELOOP {
        throw fileError(
          displayPath, "file was replaced by a symbolic link while katib-sa was reading it; try again")
      }
      throw fileError(displayPath, "cannot open file: \(POSIX.describe(code))")
    }
    defer { POSIX.closeIgnoringErrors(fd) }

    var opened = stat()
    guard fstat(fd, &opened) == 0 else {
      throw fileError(displayPath, "cannot read file: \(POSIX.describe(errno))")
    }
    guard FileKind(mode: UInt32(opened.st_mode)) == .regular,
      opened.st_dev == before.st_dev, opened.st_ino == before.st_ino
    else {
      throw fileError(displayPath, "file was replaced while katib-sa was reading it; try again")
    }

    let bytes = try readToEnd(fd: fd, sizeHint: Int(opened.st_size), displayPath: displayPath)

    var after = stat()
    guard fstat(fd, &after) == 0 else {
      throw fileError(displayPath, "cannot read file: \(POSIX.describe(errno))")
    }
    let identity = FileIdentity(after)
    guard identity == FileIdentity(opened), identity.size == Int64(bytes.count) else {
      throw fileError(displayPath, "file changed while katib-sa was reading it; try again")
    }
    return (bytes, identity, realPath)
  }

  /// Reads standard input (descriptor 0) to its end.
  public static func readStandardInput() throws(Diagnostic) -> [UInt8] {
    // Redirected from a file (`katib-sa < big.yaml`), the size is known: read it in one piece
    // instead of growing the array by copying.
    var info = stat()
    let remaining = fstat(0, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
      ? max(0, Int(info.st_size) - Int(lseek(0, 0, SEEK_CUR))) : 0
    return try readToEnd(fd: 0, sizeHint: remaining, displayPath: "<stdin>")
  }

  /// Reads `fd` until end of file, retrying on `EINTR` (and waiting on `EAGAIN` for non-blocking input).
  static func readToEnd(fd: Int32, sizeHint: Int, displayPath: String) throws(Diagnostic) -> [UInt8] {
    // Read a file of known size straight into its array: no zero-filled scratch buffer per file.
    let capacity = max(sizeHint, 0) + 1
    var readError: Int32 = 0
    var bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
      var total = 0
      while total < buffer.count {
        let count = read(fd, buffer.baseAddress! + total, buffer.count - total)
        if count > 0 {
          total += count
        } else if count == 0 {
          break
        } else if errno != EINTR {
          readError = errno
          break
        }
      }
      initialized = total
    }
    if bytes.count < capacity && readError == 0 { return bytes }
    if readError != 0 && readError != EAGAIN && readError != EWOULDBLOCK {
      throw fileError(displayPath, "cannot read: \(POSIX.describe(readError))")
    }
    let chunkSize = 64 * 1024
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunkSize) }
      if count > 0 {
        bytes.append(contentsOf: chunk[0..<count])
      } else if count == 0 {
        return bytes
      } else {
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK {
          var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
          _ = poll(&poller, 1, -1)
          continue
        }
        throw fileError(displayPath, "cannot read: \(POSIX.describe(code))")
      }
    }
  }

  /// Writes every byte to `fd`, looping on partial writes and `EINTR`.
  public static func writeAll(fd: Int32, _ bytes: [UInt8]) throws(Diagnostic) {
    do {
      try writeAllOrErrno(fd: fd, bytes)
    } catch {
      throw Diagnostic.error("cannot write: \(error.text)", at: nil)
    }
  }

  static func writeAllOrErrno(fd: Int32, _ bytes: [UInt8]) throws(Errno) {
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { buffer in
        write(fd, buffer.baseAddress! + written, buffer.count - written)
      }
      if count > 0 {
        written += count
      } else if count == 0 {
        throw Errno(EIO)
      } else {
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK {
          var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
          _ = poll(&poller, 1, -1)
          continue
        }
        throw Errno(code)
      }
    }
  }
}
