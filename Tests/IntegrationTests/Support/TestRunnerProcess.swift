import Foundation

/// `runner run` in its own process, as operators run it.
final class TestRunnerProcess: Sendable {
    private let child: ChildProcess

    /// Without an `--http-port` in `extraArguments`, the endpoint listens on a free port, so that
    /// tests running side by side do not compete for the default one; without a
    /// `--max-event-time-skew-hours`, event times are not limited.
    /// `environment` adds to (or overrides) the test's own environment.
    init(topology: String, bootstrapServers: String, extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        let http = extraArguments.contains("--http-port") ? [] : ["--http-port", "0"]
        let logLevel = extraArguments.contains("--log-level") ? [] : ["--log-level", "warning"]
        // Tests simulate event time from fixed dates, some of them weeks after today: no skew limit unless
        // a test asks for one.
        let skew = extraArguments.contains("--max-event-time-skew-hours") ? [] : ["--max-event-time-skew-hours", "0"]
        child = try ChildProcess(RunnerExecutable.path, [
            "run", "--topology", topology, "--bootstrap-servers", bootstrapServers,
        ] + logLevel + http + skew + extraArguments, environment: environment)
    }

    /// Sends `signal` and returns the exit status (or the signal number for a kill).
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 { child.stop(signal: signal) }

    /// Waits up to `timeout` for the process to exit by itself; its status, or `nil` if it still runs.
    func waitForExit(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while child.process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.1) }
        return child.process.isRunning ? nil : child.process.terminationStatus
    }

    /// What the process wrote to standard error so far; all of it after `stop`.
    var standardError: String { child.standardErrorText }
}

/// Runs the runner with `arguments` to completion and returns its exit status and output.
func runRunner(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    try runRunnerWith(environment: [:], arguments)
}

/// Like ``runRunner(_:)``, with `environment` added to the test's own.
func runRunnerWith(environment: [String: String], _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    let child = try ChildProcess(RunnerExecutable.path, arguments, environment: environment)
    let output = child.standardOutput.fileHandleForReading.readDataToEndOfFile()
    let status = child.stop()
    return (status, String(decoding: output, as: UTF8.self), child.standardErrorText)
}

/// The repository's root, for topology files under `topologies/`.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
