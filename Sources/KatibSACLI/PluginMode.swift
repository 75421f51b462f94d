import Glibc
import KatibSA
import YAMLEdit

/// The ways other tools run the binary besides its own command line.
///
/// - kustomize exec plugin: kustomize runs
///   `$XDG_CONFIG_HOME/kustomize/plugin/katib-sa/v1/katibserviceaccount/KatibServiceAccount CONFIG`
///   with resources on standard input. Plugin mode is chosen when the binary is invoked under the
///   name `KatibServiceAccount` (a symlink or a copy), or when its only argument is a file holding
///   one `katib-sa/v1` `KatibServiceAccount` object.
/// - KRM function: standard input holding a `config.kubernetes.io/v1` ResourceList (see
///   ``ResourceListFixer``); chosen by the content, with no arguments needed.
/// - kubectl plugin (`kubectl-katib_sa`), Helm post-renderer: the plain command line.
enum PluginMode {
  static let kustomizeExecutableName = ServiceAccountConfig.kind

  /// The configuration file when the command line asks for kustomize exec plugin mode.
  ///
  /// A config file as the only argument counts only when standard input is not a terminal:
  /// kustomize always pipes the resources, and a person who runs `katib-sa katib-sa.yaml` (or a
  /// hook that passes that one file) must not be left waiting for input.
  static func kustomizeConfig(invokedAs name: String, arguments: [String], inputIsTerminal: Bool) -> String? {
    if POSIX.baseName(name) == kustomizeExecutableName {
      return arguments.count == 1 && !arguments[0].hasPrefix("-") ? arguments[0] : nil
    }
    guard !inputIsTerminal, arguments.count == 1, let path = arguments.first, !path.hasPrefix("-") else { return nil }
    return isPluginConfigFile(path) ? path : nil
  }

  /// Whether `path` is a regular file with one KatibServiceAccount object (and so not a manifest
  /// to fix in place).
  static func isPluginConfigFile(_ path: String) -> Bool {
    guard case .success(let st) = POSIX.statPath(path), FileKind(mode: UInt32(st.st_mode)) == .regular,
      st.st_size < 1 << 20,
      let (bytes, _, _) = try? FileIO.readRegularFile(displayPath: path, path: path),
      contains(bytes, Array(ServiceAccountConfig.kind.utf8))
    else { return false }
    let source = SourceText(path: path, bytes: bytes)
    guard let documents = try? YAMLParser.documents(source) else { return false }
    let roots = documents.compactMap { document in document.root.map { (document, $0) } }
    guard roots.count == 1, let (document, root) = roots.first else { return false }
    return ServiceAccountConfig.isConfig(root, in: document)
  }

  static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, bytes.count >= needle.count else { return false }
    for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
      if bytes[start..<start + needle.count].elementsEqual(needle) { return true }
    }
    return false
  }

  static let kustomizeHelp = """
    KatibServiceAccount: katib-sa as a kustomize exec plugin.

    usage: KatibServiceAccount CONFIG  (resources on standard input, result on standard output)

    kustomize runs it as
      $XDG_CONFIG_HOME/kustomize/plugin/katib-sa/v1/katibserviceaccount/KatibServiceAccount
    for a transformer configuration such as:

      apiVersion: katib-sa/v1
      kind: KatibServiceAccount
      metadata:
        name: irsa
      serviceAccount: default-editor   # optional (default: default-editor)
      force: false                     # optional: replace an existing, different account
    """

  /// Runs as a kustomize exec transformer: settings from `configPath`, a stream from standard
  /// input, the fixed stream to standard output. Warnings go to standard error; an error fails
  /// the build (exit 2).
  static func runKustomizePlugin(configPath: String, streams: StandardStreams) -> CLI.ExitStatus {
    func fail(_ diagnostic: Diagnostic) -> CLI.ExitStatus {
      streams.writeError(Array("\(diagnostic.description)\n".utf8))
      return .inputFailed
    }
    let options: FixOptions
    do {
      let (bytes, _, _) = try FileIO.readRegularFile(displayPath: configPath, path: configPath)
      options = try ServiceAccountConfig.load(SourceText(path: configPath, bytes: bytes), base: FixOptions())
    } catch {
      return fail(error)
    }
    let input: [UInt8]
    do {
      input = try streams.readInput()
    } catch {
      return fail(error)
    }
    let outcome = KatibFixer.fix(SourceText(path: "<stdin>", bytes: input), options: options)
    let messages = outcome.diagnostics.filter { $0.severity != .note }
      .map { ServiceAccountConfig.configWording($0).description + "\n" }.joined()
    if !messages.isEmpty { streams.writeError(Array(messages.utf8)) }
    streams.writeOutput(outcome.output)
    return outcome.hasErrors ? .inputFailed : .success
  }
}

extension CLI {
  /// Runs the command line of a process started as `name` (its `argv[0]`): as a kustomize exec
  /// plugin when ``PluginMode`` says so, else as ``run(arguments:streams:)``.
  public static func run(
    invokedAs name: String, arguments: [String], streams: StandardStreams, inputIsTerminal: Bool = isatty(0) == 1
  ) -> ExitStatus {
    if POSIX.baseName(name) == PluginMode.kustomizeExecutableName {
      if arguments == ["--help"] || arguments == ["-h"] {
        streams.writeOutput(Array((PluginMode.kustomizeHelp + "\n").utf8))
        return .success
      }
      if arguments == ["--version"] {
        streams.writeOutput(Array((Options.version + "\n").utf8))
        return .success
      }
    }
    if let config = PluginMode.kustomizeConfig(invokedAs: name, arguments: arguments, inputIsTerminal: inputIsTerminal) {
      return PluginMode.runKustomizePlugin(configPath: config, streams: streams)
    }
    if POSIX.baseName(name) == PluginMode.kustomizeExecutableName {
      streams.writeError(
        Array(
          ("katib-sa: error: as the kustomize plugin \(PluginMode.kustomizeExecutableName), it takes one argument: "
            + "the path of its configuration file\n").utf8))
      return .usage
    }
    return run(arguments: arguments, streams: streams)
  }
}

extension Session {
  /// Standard input is a KRM function's ResourceList when it holds one (in the default fix mode),
  /// else a plain stream, as for the Helm post-renderer.
  static func fixStandardInput(_ bytes: [UInt8], options: Options) -> FixOutcome {
    let source = SourceText(path: "<stdin>", bytes: bytes)
    if options.mode == .fix, let outcome = ResourceListFixer.fix(source, options: options.fix) { return outcome }
    return KatibFixer.fix(source, options: options.fix)
  }
}
