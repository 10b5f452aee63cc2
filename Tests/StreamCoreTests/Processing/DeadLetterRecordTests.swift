import Testing
@testable import StreamCore

/// A dead letter read back and turned into the record to replay.
@Suite("Dead-letter records")
struct DeadLetterRecordTests {
    @Test func aDeadLetterReplaysAsTheOriginalRecordWithoutErrorOrOriginHeaders() throws {
        let original = ConsumerRecord(
            topic: "app-by-user-repartition", partition: 2, offset: 41, key: Array("C1".utf8), value: Array("{bad".utf8),
            headers: [KafkaHeader("trace", "t-1"), KafkaHeader(OriginHeaders.topic, "orders"), KafkaHeader(OriginHeaders.offset, "7")], timestamp: 1_000)
        let written = DeadLetter.record(for: original, reason: "value is not valid JSON", kind: "undecodable", node: "by-user", topic: "app-dlq",
                                        details: [KafkaHeader("tributary.error.detail", "x")])
        let read = ConsumerRecord(topic: "app-dlq", partition: 0, offset: 9, key: written.key, value: written.value, headers: written.headers, timestamp: written.timestamp!)

        let deadLetter = try #require(DeadLetterRecord(read))
        #expect(deadLetter.reason == "value is not valid JSON" && deadLetter.kind == "undecodable" && deadLetter.node == "by-user")
        #expect(deadLetter.source == TopicPartition("app-by-user-repartition", 2) && deadLetter.sourceOffset == 41)

        let replay = deadLetter.replay(from: read)
        #expect(replay.topic == "app-by-user-repartition" && replay.partition == 2 && replay.timestamp == 1_000)
        #expect(replay.key == original.key && replay.value == original.value)
        #expect(replay.headers == [KafkaHeader("trace", "t-1"), KafkaHeader(DeadLetterRecord.replayedFromHeader, "app-dlq/0/9")])
    }

    @Test func aRecordWithoutSourceHeadersIsNoDeadLetter() {
        #expect(DeadLetterRecord(ConsumerRecord(topic: "app-dlq", partition: 0, offset: 0, key: nil, value: nil, timestamp: 0)) == nil)
    }
}
