import Logging
import Testing
@testable import StreamCore

/// A task that reads a topic it also writes (a feedback loop) applies each record written back to it
/// once: a repeat is skipped, and a first copy is never mistaken for a repeat of the direct input it
/// came from.
@Suite("Feedback topics")
struct FeedbackTopicTests {
    /// `requests` → "ping" goes round `loop` once and comes back as "pong" to `out`.
    private func pingPongTask() throws -> (StreamTask, RecordProcessor) {
        let builder = TopologyBuilder(applicationID: "app")
        let requests = builder.stream("requests", topic: "requests", keyFormat: .string, valueFormat: .string)
        let loop = builder.stream("loop", topic: "loop", keyFormat: .string, valueFormat: .string)
        let arms = requests.merge("both", with: [loop]).branch("route", [("ping", { $0.value == "ping" })], withDefault: true)
        arms[0].transform("answer", kind: "map-values") { $0.value = "pong" }.to("back", topic: "loop", valueFormat: .string)
        arms[1].to("done", topic: "out", valueFormat: .string)
        let topology = try builder.build()
        #expect(topology.subtopologies.count == 1, "both sources feed one task")
        let task = try StreamTask(id: TaskID(subtopology: 0, partition: 0), stores: [:], topology: topology, logger: Logger(label: "test"))
        return (task, RecordProcessor(topology: topology))
    }

    private func outputs(_ outcome: RecordProcessor.Outcome?) -> [ProducerRecord] {
        if case .outputs(let records)? = outcome { return records }
        return []
    }

    @Test func aRecordWrittenBackIsAppliedOnceEvenThoughItsOriginWasAppliedFirst() throws {
        let (task, processor) = try pingPongTask()
        defer { task.close() }
        let ping = ConsumerRecord(topic: "requests", partition: 0, offset: 5, key: Array("k".utf8), value: Array("ping".utf8), headers: [], timestamp: 1)
        let sent = try #require(outputs(task.process(processor.decode(ping), with: processor)).first)
        #expect(sent.topic == "loop")
        // The task has applied requests/0 offset 5; the loop record's origin is that very position.
        let back = ConsumerRecord(topic: "loop", partition: 0, offset: 0, key: sent.key, value: sent.value, headers: sent.headers, timestamp: 1)
        #expect(outputs(task.process(processor.decode(back), with: processor)).map(\.topic) == ["out"])
        // The writer re-produced it after a crash: same origin, new offset; skipped.
        let repeated = ConsumerRecord(topic: "loop", partition: 0, offset: 1, key: sent.key, value: sent.value, headers: sent.headers, timestamp: 1)
        #expect(task.process(processor.decode(repeated), with: processor) == nil)
    }
}
