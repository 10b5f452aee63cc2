import Foundation
import Sinks
import StreamCore
import Testing
import TributaryTestSupport

/// The `file` sink's destination: batches appended as JSON lines, and a file it cannot write retried
/// rather than dropped.
@Suite("File destination")
struct FileDestinationTests {
    func batch(_ ids: ClosedRange<Int>) -> [SinkRecord] {
        ids.map { id in
            SinkRecord(coalescingKey: nil, body: .object(["id": .int(Int64(id)), "text": .string("line \"\(id)\"")]),
                       source: ConsumerRecord(topic: "sink", partition: 0, offset: Int64(id), key: nil, value: nil, timestamp: 0))
        }
    }

    @Test func batchesAreAppendedAsJSONLines() async throws {
        let directory = TemporaryDirectory("file-destination")
        let destination = FileDestination(path: directory.path + "/out.jsonl")
        guard case .perRecord(let first) = await destination.deliver(batch(1...3)), case .perRecord(let second) = await destination.deliver(batch(4...5)) else {
            Issue.record("a writable file is delivered to")
            return
        }
        #expect(first == Array(repeating: .delivered, count: 3) && second == Array(repeating: .delivered, count: 2))
        let lines = try String(contentsOfFile: destination.path, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(lines == (1...5).map { .object(["id": .int(Int64($0)), "text": .string("line \"\($0)\"")]) })
    }

    @Test func aFileThatCannotBeWrittenRetriesTheBatchUntilItCan() async throws {
        let directory = TemporaryDirectory("file-destination")
        let destination = FileDestination(path: directory.path + "/later/out.jsonl")
        guard case .retryBatch(let reason, nil) = await destination.deliver(batch(1...2)) else {
            Issue.record("a file in a missing directory is retried")
            return
        }
        #expect(reason.contains(destination.path))
        try FileManager.default.createDirectory(atPath: directory.path + "/later", withIntermediateDirectories: true)
        guard case .perRecord = await destination.deliver(batch(1...2)) else {
            Issue.record("once the directory exists, the batch is written")
            return
        }
        #expect(try String(contentsOfFile: destination.path, encoding: .utf8).split(separator: "\n").count == 2)
    }
}
