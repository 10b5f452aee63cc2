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
        var bytes: [UInt8] = []
        let handle = standardOutput.fileHandleForReading
        while !bytes.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            bytes.append(contentsOf: chunk)
        }
        return String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
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
