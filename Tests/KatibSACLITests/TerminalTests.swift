import Foundation
import Testing

@testable import KatibSACLI

/// Colour, the progress line and --help: what a person at a terminal sees.
@Suite struct TerminalTests {
  static let escape = "\u{1B}["

  func diff(outputIsTerminal: Bool, environment: [String: String]) -> String {
    let buffers = Integration.Buffers()
    _ = CLI.run(
      arguments: ["--diff"],
      streams: buffers.streams(
        input: Array(Integration.experiment.utf8), outputIsTerminal: outputIsTerminal, environment: environment))
    return buffers.stdout
  }

  @Test func diffIsColouredOnATerminal() {
    let output = diff(outputIsTerminal: true, environment: ["TERM": "xterm"])
    #expect(output.contains(Self.escape + "32m+"))
  }

  @Test func noColourWhenNO_COLORIsSetOrOutputIsPiped() throws {
    let noColor = diff(outputIsTerminal: true, environment: ["NO_COLOR": "1"])
    #expect(noColor.contains("+              serviceAccountName: default-editor") || noColor.contains("+            serviceAccountName"))
    #expect(!noColor.contains(Self.escape))
    let piped = diff(outputIsTerminal: false, environment: [:])
    #expect(piped.contains("@@"))
    #expect(!piped.contains(Self.escape))
    // The real process with its stdout on a file.
    let run = try Integration.katibSA(["--diff"], input: Array(Integration.experiment.utf8), environment: ["TERM": "xterm"])
    #expect(run.output.contains("+            serviceAccountName: default-editor"))
    #expect(!run.output.contains(Self.escape))
  }

  static func makeFiles(_ count: Int, in root: URL) throws {
    for index in 0..<count {
      try Integration.write(Integration.experiment, to: root.appendingPathComponent("e\(index).yaml"))
    }
  }

  @Test func progressLineOnATerminalOnly() throws {
    let root = try Integration.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try Self.makeFiles(12, in: root)
    var options = try Options.parse(["--check", "--jobs", "1", root.path])
    options.jobs = 1

    let terminal = Integration.Buffers()
    var session = Session(options: options, streams: terminal.streams(errorIsTerminal: true))
    let progress = try #require(session.progress)
    progress.delay = .zero
    progress.interval = .zero
    session.processPaths(options.paths)
    session.printSummary()
    #expect(terminal.stderr.contains("\rkatib-sa: 1/12 files"))
    #expect(terminal.stderr.contains("\rkatib-sa: 11/12 files"))
    // The line is wiped before other messages, which start on a clean line.
    #expect(terminal.stderr.contains("\r                     \r"))
    #expect(terminal.stderr.hasSuffix("would patch 12 pod templates in 12 of 12 files\n"))

    for streams in [
      Integration.Buffers().streams(errorIsTerminal: false),
      Integration.Buffers().streams(errorIsTerminal: true, environment: ["TERM": "dumb"]),
    ] {
      #expect(Session(options: options, streams: streams).progress == nil)
    }
    var quiet = options
    quiet.quiet = true
    #expect(Session(options: quiet, streams: terminal.streams(errorIsTerminal: true)).progress == nil)
    var reporting = options
    reporting.report = .json
    #expect(
      Session(options: reporting, streams: Session.humanStreams(options: reporting, streams: terminal.streams(errorIsTerminal: true)))
        .progress == nil)
  }

  @Test func progressWaitsForTheDelayAndThrottles() {
    final class Clock: @unchecked Sendable {
      var now = ContinuousClock.now
    }
    let clock = Clock()
    let written = Integration.Buffers()
    let streams = written.streams()
    let progress = ProgressLine(write: streams.writeError, now: { clock.now })
    progress.start(total: 100)
    progress.advance()
    clock.now += .milliseconds(500)
    progress.advance()
    #expect(written.stderr.isEmpty)
    clock.now += .milliseconds(600)
    progress.advance()
    #expect(written.stderr == "\rkatib-sa: 3/100 files\r")
    clock.now += .milliseconds(50)
    progress.advance()
    #expect(written.stderr == "\rkatib-sa: 3/100 files\r")
    clock.now += .milliseconds(100)
    progress.advance()
    #expect(written.stderr.hasSuffix("\rkatib-sa: 5/100 files\r"))
    progress.finish()
    #expect(written.stderr.hasSuffix("\r                     \r"))
  }

  @Test func helpListsEveryOptionAndExamples() {
    let buffers = Integration.Buffers()
    #expect(CLI.run(arguments: ["--help"], streams: buffers.streams()) == .success)
    let help = buffers.stdout
    for option in [
      "--check", "--diff", "--service-account", "--force", "--quiet", "--jobs", "--report json", "--report-file",
      "--help", "--version",
    ] {
      #expect(help.contains(option), "\(option) is missing from --help")
    }
    for integration in [
      "--post-renderer katib-sa", "kubectl-katib_sa", "KatibServiceAccount", "ResourceList", "pre-commit", "NO_COLOR",
    ] {
      #expect(help.contains(integration), "\(integration) is missing from --help")
    }
    #expect(help.contains("examples:\n"))
    // Every example line runs katib-sa in some way.
    let examples = help.components(separatedBy: "examples:\n")[1].split(separator: "\n")
    #expect(examples.count >= 10)
    #expect(examples.allSatisfy { $0.contains("katib-sa") || $0.contains("kustomize") })
  }
}
