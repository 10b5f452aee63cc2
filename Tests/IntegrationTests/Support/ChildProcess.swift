import Foundation

/// A process started by a test, terminated (SIGTERM, then SIGKILL) when the test lets go of it.
final class ChildProcess: @unchecked Sendable {
    // Unchecked: `process` is only used through Foundation's thread-safe Process API.
    let process = Process()
    let standardOutput = Pipe()
    let standardError = Pipe()

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = standardOutput
        process.standardError = standardError
        try process.run()
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
