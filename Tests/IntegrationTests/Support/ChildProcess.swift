import Foundation
import Synchronization

/// A process started by a test, terminated (SIGTERM, then SIGKILL) when the test lets go of it.
///
/// Standard error is drained as it is written: a process whose pipe filled up would block in its
/// next log call, and a test reading standard output to its end would wait for it forever.
final class ChildProcess: @unchecked Sendable {
    // Unchecked: `process` is only used through Foundation's thread-safe Process API.
    let process = Process()
    let standardOutput = Pipe()
    private let standardError = Pipe()
    /// What the process wrote to standard error so far, and whether it closed it.
    private let errorOutput = CapturedOutput()

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = standardOutput
        process.standardError = standardError
        try process.run()
        let handle = standardError.fileHandleForReading
        Thread.detachNewThread { [errorOutput] in
            while case let chunk = handle.availableData, !chunk.isEmpty {
                errorOutput.state.withLock { $0.bytes.append(contentsOf: chunk) }
            }
            errorOutput.state.withLock { $0.ended = true }
        }
    }

    /// Everything the process wrote to standard error: all of it once the process has exited (a
    /// grandchild still holding the pipe open is waited for up to five seconds).
    var standardErrorText: String {
        if !process.isRunning {
            let deadline = ContinuousClock.now + .seconds(5)
            while !errorOutput.state.withLock({ $0.ended }), ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        }
        return errorOutput.state.withLock { String(decoding: $0.bytes, as: UTF8.self) }
    }

    /// Reads standard output up to the first newline (blocking the calling thread).
    func firstLineOfOutput() -> String {
        linesOfOutput(1).first ?? ""
    }

    /// Reads standard output until `count` lines have arrived or it ends (blocking the calling thread);
    /// returns those lines, fewer if output ended first.
    func linesOfOutput(_ count: Int) -> [String] {
        var bytes: [UInt8] = []
        let handle = standardOutput.fileHandleForReading
        while bytes.count(where: { $0 == UInt8(ascii: "\n") }) < count {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            bytes.append(contentsOf: chunk)
        }
        return bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).prefix(count).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Sends `signal` and waits for the process to exit; returns its termination status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Output read from a pipe by its own thread. Shared with that thread instead of the `ChildProcess`
/// itself, whose `deinit` (which kills the process) the thread must not hold off.
private final class CapturedOutput: Sendable {
    /// The bytes so far, and whether the writer closed the pipe.
    let state = Mutex<(bytes: [UInt8], ended: Bool)>(([], false))
}
