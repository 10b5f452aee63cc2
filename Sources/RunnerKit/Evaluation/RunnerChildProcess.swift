import Foundation

/// This very executable, started again as a child process with an HTTP port of its own: an evaluation
/// measures `runner run` as operators run it, from outside.
final class RunnerChildProcess {
    private let process = Process()
    /// The port the child serves interactive queries on.
    let httpPort: Int

    init(arguments: [String]) throws {
        // A port from the range tests use too; a clash shows as the child failing to start.
        httpPort = Int.random(in: 20_000..<32_000)
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments + ["--http-port", String(httpPort)]
        try process.run()
    }

    /// Whether the child still runs (it exits at once when, say, its HTTP port is taken).
    var isRunning: Bool { process.isRunning }

    /// Stops the child with SIGTERM (it commits what it processed) and waits for it.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }
}
