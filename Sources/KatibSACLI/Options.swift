import KatibSA

/// The parsed command line.
public struct Options: Sendable {
  public enum Mode: Sendable { case fix, check, diff }
  public var mode: Mode = .fix
  public var fix = FixOptions()
  public var quiet = false
  public var paths: [String] = []
  public var jobs = 0
  public var showHelp = false
  public var showVersion = false
  /// `--diff` with `--check`: print the diff and exit 1 on changes.
  public var checkToo = false

  /// A command line that cannot be run; exit status 64.
  public struct UsageError: Error, Sendable {
    public let message: String
  }

  public static func parse(_ arguments: [String]) throws(UsageError) -> Options {
    var options = Options()
    var index = 0
    var onlyPaths = false
    func value(for flag: String, inline: String?) throws(UsageError) -> String {
      if let inline { return inline }
      index += 1
      guard index < arguments.count else { throw UsageError(message: "option '\(flag)' needs a value") }
      return arguments[index]
    }
    while index < arguments.count {
      let argument = arguments[index]
      if onlyPaths || argument == "-" || !argument.hasPrefix("-") {
        options.paths.append(argument)
        index += 1
        continue
      }
      let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
      let flag = parts[0]
      let inline = parts.count > 1 ? parts[1] : nil
      if inline != nil && !["--service-account", "--jobs"].contains(flag) {
        throw UsageError(message: "option '\(flag)' takes no value")
      }
      switch flag {
      case "--":
        onlyPaths = true
      case "--check":
        if options.mode == .diff { options.checkToo = true } else { options.mode = .check }
      case "--diff":
        if options.mode == .check { options.checkToo = true }
        options.mode = .diff
      case "--service-account", "-s":
        let name = try value(for: flag, inline: inline)
        guard FixOptions.isValidServiceAccountName(name) else {
          throw UsageError(
            message: "option '--service-account': '\(name)' is not a valid service account name "
              + "(lowercase letters, digits, '-' and '.')")
        }
        options.fix.serviceAccount = name
      case "--force":
        options.fix.force = true
      case "--quiet", "-q":
        options.quiet = true
      case "--jobs", "-j":
        let text = try value(for: flag, inline: inline)
        guard let jobs = Int(text), jobs >= 1, jobs <= 1024 else {
          throw UsageError(message: "option '--jobs' needs a whole number from 1 to 1024, not '\(text)'")
        }
        options.jobs = jobs
      case "--help", "-h":
        options.showHelp = true
      case "--version":
        options.showVersion = true
      default:
        throw UsageError(message: "unknown option '\(flag)'")
      }
      index += 1
    }
    return options
  }

  public static let version = "katib-sa 0.1.0"

  public static let usage = """
    usage: katib-sa [--check | --diff] [--service-account NAME] [--force] [--quiet] [--jobs N] [PATH ...]
    """

  public static let help = """
    katib-sa: give Katib's pods the IRSA service account (default-editor) on Amazon EKS.

    \(usage)

    It inserts 'serviceAccountName: NAME' into every trial pod template of Katib Experiments, every
    suggestion algorithm of katib-config (old JSON and new KatibConfig formats) and every trialSpec of
    trial-template ConfigMaps. Nothing else in the file changes, byte for byte.

    PATH is a file or a directory (walked for *.yaml, *.yml, *.json; hidden entries and symbolic
    links are skipped); files are fixed in place. With no PATH, or '-', it reads standard input and
    writes the result to standard output (it works as a Helm post-renderer).

    options:
      --check                 write nothing; exit 1 if any file would change (a CI gate)
      --diff                  write nothing; print a unified diff of what would change
      -s, --service-account NAME
                              the account to set (default: default-editor)
      --force                 replace an existing, different account (otherwise kept, with a warning)
      -q, --quiet             no summary line and no notes
      -j, --jobs N            files processed in parallel (default: the number of cores)
      -h, --help              show this help
      --version               show the version

    exit status:
      0   success, including when nothing needed changing
      1   --check found changes to make
      2   at least one input failed (the others were still processed)
      64  usage error

    examples:
      katib-sa experiment.yaml
      katib-sa manifests/
      katib-sa --diff Examples/
      katib-sa --check --quiet manifests/
      kubectl get experiment x -o yaml | katib-sa | kubectl apply -f -
      kubectl get cm katib-config -n kubeflow -o yaml | katib-sa | kubectl apply -f -
      helm install katib ./chart --post-renderer katib-sa
    """
}
