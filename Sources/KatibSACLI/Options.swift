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
  /// `--report json`: a machine-readable report, to standard error or to `reportFile`.
  public var report: ReportFormat?
  public var reportFile: String?

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
      if inline != nil && !["--service-account", "--jobs", "--report", "--report-file"].contains(flag) {
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
      case "--report":
        let text = try value(for: flag, inline: inline)
        guard let format = ReportFormat(rawValue: text) else {
          throw UsageError(message: "option '--report' supports only 'json', not '\(text)'")
        }
        options.report = format
      case "--report-file":
        options.reportFile = try value(for: flag, inline: inline)
        if options.report == nil { options.report = .json }
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
    usage: katib-sa [--check | --diff] [--service-account NAME] [--force] [--quiet] [--jobs N]
                    [--report json] [--report-file FILE] [PATH ...]
    """

  public static let help = """
    katib-sa: give Katib's pods the IRSA service account (default-editor) on Amazon EKS.

    \(usage)

    It inserts 'serviceAccountName: NAME' into every trial pod template of Katib Experiments, every
    suggestion algorithm of katib-config (old JSON and new KatibConfig formats) and every trialSpec of
    trial-template ConfigMaps. Nothing else in the file changes, byte for byte.

    PATH is a file or a directory (walked for *.yaml, *.yml, *.json; hidden entries and symbolic
    links are skipped); files are fixed in place. With no PATH, or '-', it reads standard input and
    writes the result to standard output.

    options:
      --check                 write nothing; exit 1 if any file would change (a CI gate)
      --diff                  write nothing; print a unified diff of what would change (coloured on
                              a terminal unless NO_COLOR is set)
      -s, --service-account NAME
                              the account to set (default: default-editor)
      --force                 replace an existing, different account (otherwise kept, with a warning)
      -q, --quiet             no summary line, no notes and no progress line
      -j, --jobs N            files processed in parallel (default: the number of cores)
      --report json           write a JSON report of every input (status, changes, diagnostics) to
                              standard error, instead of the messages meant for people
      --report-file FILE      write the JSON report to FILE instead (implies --report json); the
                              usual messages still go to standard error
      -h, --help              show this help
      --version               show the version

    On a terminal, a run over many files shows a progress line on standard error.

    integrations:
      Helm post-renderer      helm install katib ./chart --post-renderer katib-sa
                              (rendered manifests on standard input, no arguments)
      kubectl plugin          install the binary as 'kubectl-katib_sa' on PATH: kubectl katib-sa ...
      kustomize exec plugin   install it as
                              $XDG_CONFIG_HOME/kustomize/plugin/katib-sa/v1/katibserviceaccount/KatibServiceAccount
                              and list a transformer config (apiVersion: katib-sa/v1,
                              kind: KatibServiceAccount, serviceAccount: NAME, force: BOOL);
                              it runs in this mode under that name, or when its one argument is
                              such a config file and standard input is not a terminal
      KRM function            a config.kubernetes.io/v1 ResourceList on standard input is fixed item
                              by item; functionConfig (a KatibServiceAccount, or a ConfigMap with
                              data.serviceAccount and data.force) sets the account; findings are
                              added as results (kpt fn eval --exec katib-sa, kustomize --enable-exec)
      pre-commit              hook 'katib-sa' (runs --check on staged YAML and JSON files)

    exit status:
      0   success, including when nothing needed changing
      1   --check found changes to make
      2   at least one input failed (the others were still processed)
      64  usage error

    examples:
      katib-sa experiment.yaml
      katib-sa manifests/
      katib-sa --service-account irsa-runner --force manifests/
      katib-sa --diff Examples/
      katib-sa --check --quiet manifests/
      katib-sa --check --report-file katib-sa-report.json manifests/
      kubectl get experiment x -o yaml | katib-sa | kubectl apply -f -
      kubectl get cm katib-config -n kubeflow -o yaml | katib-sa | kubectl apply -f -
      helm install katib ./chart --post-renderer katib-sa
      kubectl kustomize --enable-alpha-plugins overlays/eks | kubectl apply -f -
      kpt fn eval manifests/ --exec katib-sa -- serviceAccount=irsa-runner
      kubectl katib-sa --check manifests/
    """
}
