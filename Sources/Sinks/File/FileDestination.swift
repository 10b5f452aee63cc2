import Foundation
import StreamCore

/// Appends each record's body to a file as one line of JSON (JSON Lines), a batch per write, flushed
/// to disk before the batch counts as delivered.
///
/// The file is created when missing; its directory must exist. A write that fails (no directory, no
/// permission, a full disk) retries the whole batch after a backoff and pauses reading meanwhile, so
/// nothing is dropped; a batch that was partly written before the failure is written again (at least
/// once, as every sink).
public struct FileDestination: SinkDestination {
    /// The file lines are appended to.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func deliver(_ batch: [SinkRecord]) async -> SinkDelivery {
        var lines: [UInt8] = []
        for record in batch {
            JSONSerializer.serialize(record.body, into: &lines)
            lines.append(UInt8(ascii: "\n"))
        }
        do {
            if !FileManager.default.fileExists(atPath: path), !FileManager.default.createFile(atPath: path, contents: nil) {
                return .retryBatch(reason: "cannot create '\(path)'", retryAfter: nil)
            }
            let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? file.close() }
            try file.seekToEnd()
            try file.write(contentsOf: lines)
            try file.synchronize()
            return .perRecord(Array(repeating: .delivered, count: batch.count))
        } catch {
            return .retryBatch(reason: "cannot append to '\(path)': \(error.localizedDescription)", retryAfter: nil)
        }
    }

    public func pacing() async -> Duration { .zero }
}
