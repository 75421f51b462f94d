/// A unified diff of two byte buffers by lines (Myers' algorithm; our edits are few, so D is small).
enum UnifiedDiff {
  static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var result: [ArraySlice<UInt8>] = []
    var start = 0
    for index in bytes.indices where bytes[index] == 0x0A {
      result.append(bytes[start...index])
      start = index + 1
    }
    if start < bytes.count { result.append(bytes[start...]) }
    return result
  }

  enum Operation { case same, delete, insert }

  /// The edit script turning `a` into `b`.
  static func script(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]) -> [(Operation, Int, Int)] {
    let n = a.count
    let m = b.count
    let max = n + m
    var v = [Int](repeating: 0, count: 2 * max + 2)
    var trace: [[Int]] = []
    var found = false
    for d in 0...max {
      trace.append(v)
      for k in stride(from: -d, through: d, by: 2) {
        var x: Int
        if k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) {
          x = v[max + k + 1]
        } else {
          x = v[max + k - 1] + 1
        }
        var y = x - k
        while x < n && y < m && a[x] == b[y] {
          x += 1
          y += 1
        }
        v[max + k] = x
        if x >= n && y >= m {
          found = true
          break
        }
      }
      if found { break }
    }
    var x = n
    var y = m
    var ops: [(Operation, Int, Int)] = []
    for d in stride(from: trace.count - 1, through: 0, by: -1) {
      let v = trace[d]
      let k = x - y
      let previousK: Int
      if k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) {
        previousK = k + 1
      } else {
        previousK = k - 1
      }
      let previousX = v[max + previousK]
      let previousY = previousX - previousK
      while x > previousX && y > previousY {
        ops.append((.same, x - 1, y - 1))
        x -= 1
        y -= 1
      }
      if d > 0 {
        if x == previousX {
          ops.append((.insert, x, y - 1))
        } else {
          ops.append((.delete, x - 1, y))
        }
      }
      x = previousX
      y = previousY
    }
    return ops.reversed()
  }

  /// `--- a/path`, `+++ b/path` and hunks with three lines of context; empty when equal.
  static func render(path: String, original: [UInt8], modified: [UInt8], color: Bool) -> [UInt8] {
    if original == modified { return [] }
    let a = lines(original)
    let b = lines(modified)
    let ops = script(a, b)
    let context = 3
    var out: [UInt8] = []
    func emit(_ text: String, _ code: String? = nil) {
      if color, let code { out += Array("\u{1B}[\(code)m".utf8) }
      out += Array(text.utf8)
      if color, code != nil { out += Array("\u{1B}[0m".utf8) }
    }
    let shown = path.hasPrefix("/") ? String(path.dropFirst()) : path
    emit("--- a/\(shown)\n", "1")
    emit("+++ b/\(shown)\n", "1")
    var index = 0
    while index < ops.count {
      guard ops[index].0 != .same else {
        index += 1
        continue
      }
      var start = index
      var leading = 0
      while start > 0 && leading < context && ops[start - 1].0 == .same {
        start -= 1
        leading += 1
      }
      var end = index
      var trailingSame = 0
      while end < ops.count {
        if ops[end].0 == .same {
          trailingSame += 1
          if trailingSame > 2 * context { break }
        } else {
          trailingSame = 0
        }
        end += 1
      }
      end -= Swift.max(0, trailingSame - context)
      let hunk = ops[start..<end]
      let aStart = hunk.first.map { $0.1 } ?? 0
      let bStart = hunk.first.map { $0.2 } ?? 0
      let aCount = hunk.filter { $0.0 != .insert }.count
      let bCount = hunk.filter { $0.0 != .delete }.count
      emit("@@ -\(aCount == 0 ? aStart : aStart + 1),\(aCount) +\(bCount == 0 ? bStart : bStart + 1),\(bCount) @@\n", "36")
      for (operation, ai, bi) in hunk {
        let (prefix, line, code): (String, ArraySlice<UInt8>, String?) =
          switch operation {
          case .same: (" ", a[ai], nil)
          case .delete: ("-", a[ai], "31")
          case .insert: ("+", b[bi], "32")
          }
        if color, let code { out += Array("\u{1B}[\(code)m".utf8) }
        out += Array(prefix.utf8)
        out += line
        if line.last != 0x0A { out += Array("\n\\ No newline at end of file\n".utf8) }
        if color, code != nil { out += Array("\u{1B}[0m".utf8) }
      }
      index = end
    }
    return out
  }
}
