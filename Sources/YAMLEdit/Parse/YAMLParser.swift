internal import CYAML
import Glibc

/// Bounds that keep hostile input from costing unbounded time or memory.
public struct ParseLimits: Sendable, Hashable {
  /// Deepest nesting of collections accepted. Kubernetes manifests stay below 30; libyaml's own
  /// time grows quadratically with flow depth, so the limit is checked while events arrive.
  public var maxDepth: Int
  /// Most nodes (scalars, aliases, collections) in one document. A node costs about 70 bytes of
  /// tree, so a dense file (`[{x: 1}, {x: 1}, ...]`, 2 bytes a node) would need 35 times its size.
  /// Kubernetes stores an object in at most about 1.5 MB, which even written densely holds far
  /// fewer than a million nodes; the limit bounds the tree of one document to about 70 MB.
  public var maxNodesPerDocument: Int
  public init(maxDepth: Int = 1000, maxNodesPerDocument: Int = 1_000_000) {
    self.maxDepth = maxDepth
    self.maxNodesPerDocument = maxNodesPerDocument
  }
}

/// Reads a YAML stream with libyaml into ``YAMLDocument`` trees whose spans are byte offsets.
///
/// This is the only file that talks to libyaml.
public enum YAMLParser {
  /// Parses every document of `source`, handing each to `body` as soon as it is complete, so a
  /// long stream never holds more than one tree.
  public static func parse(
    _ source: SourceText, limits: ParseLimits = ParseLimits(),
    eachDocument body: (YAMLDocument) -> Void
  ) throws(Diagnostic) {
    try checkEncoding(source)
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else {
      throw .error("cannot initialise libyaml", at: nil)
    }
    defer { yaml_parser_delete(&parser) }
    var failure: Diagnostic?
    let sentinel: [UInt8] = [0]
    source.bytes.withUnsafeBufferPointer { input in
      // libyaml rejects a null input pointer, which an empty array may have.
      sentinel.withUnsafeBufferPointer { empty in
        let base = input.count > 0 ? input.baseAddress! : empty.baseAddress!
        yaml_parser_set_input_string(&parser, base, input.count)
        var builder = TreeBuilder(source: source, limits: limits)
        var event = yaml_event_t()
        while true {
          guard yaml_parser_parse(&parser, &event) == 1 else {
            failure = parserError(parser, builder: &builder, source: source)
            return
          }
          defer { yaml_event_delete(&event) }
          if event.type == YAML_STREAM_END_EVENT { return }
          if let problem = builder.consume(event) {
            failure = problem
            return
          }
          if let document = builder.takeFinishedDocument() { body(document) }
        }
      }
    }
    if let failure { throw failure }
  }

  /// Parses every document of `source` into memory.
  public static func documents(_ source: SourceText, limits: ParseLimits = ParseLimits())
    throws(Diagnostic) -> [YAMLDocument]
  {
    var documents: [YAMLDocument] = []
    try parse(source, limits: limits) { documents.append($0) }
    return documents
  }

  /// libyaml decodes UTF-16 silently; we only ever write UTF-8 back, so refuse anything else.
  static func checkEncoding(_ source: SourceText) throws(Diagnostic) {
    let bytes = source.bytes
    func refuse(_ what: String) -> Diagnostic {
      .error("\(what) input is not supported; convert the file to UTF-8", at: source.location(of: 0))
    }
    if bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF {
      throw refuse("UTF-32")
    }
    if bytes.count >= 4 && bytes[0] == 0xFF && bytes[1] == 0xFE && bytes[2] == 0 && bytes[3] == 0 {
      throw refuse("UTF-32")
    }
    if bytes.count >= 2 && ((bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE)) {
      throw refuse("UTF-16")
    }
    if bytes.count >= 2 && (bytes[0] == 0 || bytes[1] == 0) {
      throw refuse("UTF-16 or UTF-32 (a NUL byte in the first character suggests it)")
    }
  }

  private static func parserError(
    _ parser: yaml_parser_t, builder: inout TreeBuilder, source: SourceText
  )
    -> Diagnostic
  {
    let problem = parser.problem.map { String(cString: $0) } ?? "unknown libyaml error"
    var offset: Int
    var message = problem
    if parser.error == YAML_READER_ERROR {
      // Reader errors carry a raw byte offset, not a character index.
      offset = parser.problem_offset
      if problem.hasPrefix("invalid trailing UTF-8 octet") {
        // libyaml points at the bad continuation byte; an editor shows the broken character
        // where its lead byte is.
        var lead = min(offset, source.bytes.count) - 1
        while lead > 0 && lead > offset - 4 && source.bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        if lead >= 0 && source.bytes[lead] >= 0xC0 { offset = lead }
      }
      if parser.problem_value != -1 {
        // libyaml passes the offending octet for malformed UTF-8, but the decoded code point for
        // characters YAML does not allow (surrogates, C0/C1 controls, U+FFFE...).
        let value = UInt32(truncatingIfNeeded: parser.problem_value)
        if problem.hasPrefix("invalid Unicode character") || problem.hasPrefix("control characters") {
          let hex = String(value, radix: 16, uppercase: true)
          message += " (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))"
        } else {
          let hex = String(UInt8(truncatingIfNeeded: value), radix: 16, uppercase: true)
          message += " (byte 0x\(hex.count == 1 ? "0" + hex : hex))"
        }
      }
      if source.bytes.indices.contains(offset) && source.bytes[offset] == 0 {
        message = "NUL byte: this is not a text file"
      }
    } else {
      offset = builder.byteOffset(ofScalarIndex: parser.problem_mark.index)
    }
    var notes: [Diagnostic] = []
    if let context = parser.context.map({ String(cString: $0) }) {
      let contextOffset = builder.byteOffset(ofScalarIndex: parser.context_mark.index)
      notes.append(.note(context, at: source.location(of: contextOffset)))
    }
    if let template = templateMarker(source.bytes) { notes.append(templateNote(at: template, in: source)) }
    return .error(message, at: source.location(of: offset), notes: notes)
  }

  static func templateNote(at offset: Int, in source: SourceText) -> Diagnostic {
    .note(
      "this looks like a template ('{{' appears here); render it first (helm template) "
        + "and run katib-sa on the output", at: source.location(of: offset))
  }

  /// The offset of the first `{{`, which marks Helm and Go templates.
  static func templateMarker(_ bytes: [UInt8]) -> Int? {
    var index = 0
    while index + 1 < bytes.count {
      if bytes[index] == 0x7B && bytes[index + 1] == 0x7B { return index }
      index += 1
    }
    return nil
  }
}

/// Converts libyaml's character indexes to byte offsets with a cursor that moves from the last
/// answer, so a pass over a file costs one walk over its bytes.
struct ScalarIndexMap {
  let bytes: [UInt8]
  private var index: Int
  private var offset: Int
  private let origin: Int

  /// Most manifests are ASCII, where a character index is a byte offset.
  private let isASCII: Bool

  init(bytes: [UInt8], byteOrderMarkLength: Int) {
    self.bytes = bytes
    origin = byteOrderMarkLength
    index = 0
    offset = byteOrderMarkLength
    isASCII = Self.isASCII(bytes, from: byteOrderMarkLength)
  }

  static func isASCII(_ bytes: [UInt8], from start: Int) -> Bool {
    bytes.withUnsafeBytes { raw in
      var index = start
      let count = raw.count
      while index + 8 <= count {
        if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
        index += 8
      }
      while index < count {
        if raw[index] & 0x80 != 0 { return false }
        index += 1
      }
      return true
    }
  }

  mutating func byteOffset(of target: Int) -> Int {
    if isASCII { return min(origin + target, bytes.count) }
    if target < index / 2 {
      index = 0
      offset = origin
    }
    while index < target && offset < bytes.count {
      offset += Self.sequenceLength(bytes[offset])
      index += 1
    }
    while index > target && offset > origin {
      offset -= 1
      while offset > origin && bytes[offset] & 0xC0 == 0x80 { offset -= 1 }
      index -= 1
    }
    return min(offset, bytes.count)
  }

  @inline(__always) static func sequenceLength(_ lead: UInt8) -> Int {
    if lead < 0xC0 { return 1 }
    if lead < 0xE0 { return 2 }
    if lead < 0xF0 { return 3 }
    return 4
  }
}

/// Folds libyaml events into documents, without recursion.
struct TreeBuilder {
  let source: SourceText
  let limits: ParseLimits
  private var indexMap: ScalarIndexMap
  /// The document being built; meaningful only while `inDocument`. Not optional, so that
  /// appending to its arrays never copies the whole struct.
  private var document: YAMLDocument
  private var inDocument = false
  private var finished: YAMLDocument?
  private var documentIndex = 0
  /// Open collections: node id and where its children start in `pending`.
  private var open: [(node: Int32, pendingStart: Int)] = []
  private var pending: [Int32] = []
  private var anchors: [String: Int32] = [:]

  init(source: SourceText, limits: ParseLimits) {
    self.source = source
    self.limits = limits
    document = YAMLDocument(index: -1, source: source, startOffset: 0)
    indexMap = ScalarIndexMap(bytes: source.bytes, byteOrderMarkLength: source.byteOrderMarkLength)
  }

  mutating func byteOffset(ofScalarIndex index: Int) -> Int { indexMap.byteOffset(of: index) }

  mutating func takeFinishedDocument() -> YAMLDocument? {
    defer { finished = nil }
    return finished
  }

  mutating func consume(_ event: yaml_event_t) -> Diagnostic? {
    let start = byteOffset(ofScalarIndex: event.start_mark.index)
    switch event.type {
    case YAML_SCALAR_EVENT, YAML_ALIAS_EVENT, YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
      if inDocument && document.nodes.count >= limits.maxNodesPerDocument {
        return .error(
          "document too large (more than \(limits.maxNodesPerDocument) nodes); a Kubernetes object "
            + "cannot be this big", at: source.location(of: start))
      }
    default:
      break
    }
    switch event.type {
    case YAML_DOCUMENT_START_EVENT:
      document = YAMLDocument(index: documentIndex, source: source, startOffset: start)
      inDocument = true
      documentIndex += 1
      anchors.removeAll(keepingCapacity: true)
    case YAML_DOCUMENT_END_EVENT:
      guard inDocument else { return nil }
      document.endOffset = byteOffset(ofScalarIndex: event.end_mark.index)
      finished = document
      inDocument = false
      document = YAMLDocument(index: -1, source: source, startOffset: 0)
    case YAML_SCALAR_EVENT:
      let end = byteOffset(ofScalarIndex: event.end_mark.index)
      let scalar = event.data.scalar
      let style: ScalarStyle
      switch scalar.style {
      case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
      case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
      case YAML_LITERAL_SCALAR_STYLE: style = .literal
      case YAML_FOLDED_SCALAR_STYLE: style = .folded
      default: style = .plain
      }
      let hasProperties = scalar.anchor != nil || scalar.tag != nil
      let valueStart = hasProperties ? skipProperties(from: start, limit: end) : start
      let text = appendText(scalar.value, count: scalar.length)
      addNode(
        NodeRecord(
          kind: .scalar, scalarStyle: style, isFlow: false, hasProperties: hasProperties,
          span: NodeSpan(start: start, valueStart: valueStart, end: end), firstChild: 0,
          childCount: 0, textStart: text.start, textLength: text.length, aliasTarget: -1),
        anchor: scalar.anchor, tag: scalar.tag)
    case YAML_ALIAS_EVENT:
      let end = byteOffset(ofScalarIndex: event.end_mark.index)
      let name = String(cString: event.data.alias.anchor)
      guard let target = anchors[name] else {
        return .error("unknown alias '\(name)'", at: source.location(of: start))
      }
      let text = appendText(event.data.alias.anchor, count: name.utf8.count)
      addNode(
        NodeRecord(
          kind: .alias, scalarStyle: .plain, isFlow: false, hasProperties: false,
          span: NodeSpan(start: start, valueStart: start, end: end), firstChild: 0, childCount: 0,
          textStart: text.start, textLength: text.length, aliasTarget: target),
        anchor: nil, tag: nil)
    case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
      if open.count >= limits.maxDepth {
        return .error(
          "nesting too deep (more than \(limits.maxDepth) levels)", at: source.location(of: start))
      }
      let isMapping = event.type == YAML_MAPPING_START_EVENT
      let anchorPointer = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
      let tagPointer = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
      let isFlow =
        isMapping
        ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
        : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
      let end = byteOffset(ofScalarIndex: event.end_mark.index)
      let node = addNode(
        NodeRecord(
          kind: isMapping ? .mapping : .sequence, scalarStyle: .plain, isFlow: isFlow,
          hasProperties: anchorPointer != nil || tagPointer != nil,
          span: NodeSpan(
            start: start, valueStart: isFlow ? max(start, end - 1) : start, end: end),
          firstChild: 0, childCount: 0, textStart: 0, textLength: 0, aliasTarget: -1),
        anchor: anchorPointer, tag: tagPointer)
      open.append((node, pending.count))
    case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
      guard let (node, pendingStart) = open.popLast(), inDocument else { return nil }
      let end = byteOffset(ofScalarIndex: event.end_mark.index)
      return close(node: node, pendingStart: pendingStart, endEventOffset: end)
    default:
      break
    }
    return nil
  }

  /// Copies libyaml's decoded text into the document's arena.
  private mutating func appendText(_ pointer: UnsafePointer<UInt8>?, count: Int) -> (start: Int32, length: Int32) {
    let start = Int32(document.text.count)
    if let pointer, count > 0 { document.text.append(contentsOf: UnsafeBufferPointer(start: pointer, count: count)) }
    return (start, Int32(count))
  }

  @discardableResult
  private mutating func addNode(
    _ record: NodeRecord, anchor: UnsafePointer<UInt8>?, tag: UnsafePointer<UInt8>?
  ) -> Int32 {
    let id = Int32(document.nodes.count)
    document.nodes.append(record)
    if let anchor {
      let name = String(cString: anchor)
      anchors[name] = id
      document.anchors[id] = name
    }
    if let tag { document.tags[id] = String(cString: tag) }
    if open.isEmpty {
      document.root = NodeID(id)
    } else {
      pending.append(id)
    }
    return id
  }

  private mutating func close(node: Int32, pendingStart: Int, endEventOffset: Int) -> Diagnostic? {
    let childCount = pending.count - pendingStart
    var record = document.nodes[Int(node)]
    record.firstChild = Int32(document.children.count)
    record.childCount = Int32(childCount)
    document.children.append(contentsOf: pending[pendingStart...])
    pending.removeSubrange(pendingStart...)
    let hadProperties = record.hasProperties
    if record.isFlow {
      record.span.end = endEventOffset
    } else if childCount > 0 {
      let children = document.children
      let first = document.nodes[Int(children[Int(record.firstChild)])].span
      var end = first.end
      for child in children[Int(record.firstChild)...].suffix(2) {
        end = max(end, document.nodes[Int(child)].span.end)
      }
      if !hadProperties { record.span.start = first.start }
      record.span.valueStart = first.start
      record.span.end = end
    }
    document.nodes[Int(node)] = record
    if record.kind == .mapping {
      if record.isFlow, let problem = templateKeyProblem(in: record) { return problem }
      return duplicateKeyProblem(in: record)
    }
    return nil
  }

  /// `{{ x }}` is valid YAML (a flow mapping whose key is a flow mapping), but it is a Helm or Go
  /// template that only looks like data; patching it would patch the template's text, not what it
  /// renders to. Refuse a flow mapping key that opens right after its parent's `{`.
  private func templateKeyProblem(in mapping: NodeRecord) -> Diagnostic? {
    let doc = document
    let bytes = source.bytes
    var index = Int(mapping.firstChild)
    let end = index + Int(mapping.childCount)
    while index < end {
      let key = doc.nodes[Int(doc.children[index])]
      let start = key.span.start
      if key.kind == .mapping && key.isFlow && start > 0 && bytes[start] == UInt8(ascii: "{")
        && bytes[start - 1] == UInt8(ascii: "{")
      {
        return .error(
          "'{{' opens a mapping used as a mapping key; Kubernetes cannot read such a key",
          at: source.location(of: start - 1),
          notes: [YAMLParser.templateNote(at: start - 1, in: source)])
      }
      index += 2
    }
    return nil
  }

  /// libyaml accepts repeated keys and Kubernetes rejects them; we refuse rather than guess.
  private func duplicateKeyProblem(in mapping: NodeRecord) -> Diagnostic? {
    guard mapping.childCount > 2 else { return nil }
    let first = Int(mapping.firstChild)
    let end = first + Int(mapping.childCount)
    let nodes = document.nodes
    let children = document.children
    let text = document.text
    func sameKey(_ a: NodeRecord, _ b: NodeRecord) -> Bool {
      guard a.kind == .scalar, b.kind == .scalar, a.textLength == b.textLength else { return false }
      return text.withUnsafeBufferPointer {
        memcmp($0.baseAddress! + Int(a.textStart), $0.baseAddress! + Int(b.textStart), Int(a.textLength)) == 0
      }
    }
    var duplicate: (earlier: Int32, later: Int32)?
    if mapping.childCount <= 64 {
      // Pairwise is cheaper than hashing for the small mappings manifests are made of.
      search: for later in stride(from: first + 2, to: end, by: 2) {
        let laterKey = nodes[Int(children[later])]
        for earlier in stride(from: first, to: later, by: 2) where sameKey(nodes[Int(children[earlier])], laterKey) {
          duplicate = (children[earlier], children[later])
          break search
        }
      }
    } else {
      var seen: [ArraySlice<UInt8>: Int32] = [:]
      for index in stride(from: first, to: end, by: 2) {
        let key = nodes[Int(children[index])]
        guard key.kind == .scalar else { continue }
        let name = text[Int(key.textStart)..<Int(key.textStart + key.textLength)]
        if let earlier = seen[name] {
          duplicate = (earlier, children[index])
          break
        }
        seen[name] = children[index]
      }
    }
    guard let (earlier, later) = duplicate else { return nil }
    let name = document.string(of: nodes[Int(later)])
    return .error(
      "duplicate key '\(name)' in a mapping", at: source.location(of: nodes[Int(later)].span.start),
      notes: [.note("the first '\(name)' is here", at: source.location(of: nodes[Int(earlier)].span.start))])
  }

  /// Skips `&anchor` and `!tag` properties (and the space after them) to the value's first byte.
  private func skipProperties(from start: Int, limit: Int) -> Int {
    let bytes = source.bytes
    var index = start
    while index < limit && (bytes[index] == UInt8(ascii: "&") || bytes[index] == UInt8(ascii: "!")) {
      while index < limit && !isBlankOrBreak(bytes[index]) { index += 1 }
      while index < limit && isBlankOrBreak(bytes[index]) { index += 1 }
    }
    return min(index, limit)
  }
}

@inline(__always) func isBlankOrBreak(_ byte: UInt8) -> Bool {
  byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}
