@testable import Sinks
import StreamCore
import Testing

/// Coalescing, one batch per key at a time, and commits that never pass an unsettled record.
@Suite("Coalescing buffer")
struct CoalescingBufferTests {
    let partition = TopicPartition("sink", 0)
    let now = ContinuousClock.now

    func record(_ key: String?, _ offset: Int64, _ version: Int64 = 0) -> SinkRecord {
        SinkRecord(coalescingKey: key, body: .object(["v": .int(version)]), source: ConsumerRecord(topic: "sink", partition: 0, offset: offset, key: nil, value: nil, timestamp: 0))
    }

    @Test func laterUpdatesOfAKeyReplaceEarlierOnesAndCommitWaitsForTheLatest() {
        var buffer = CoalescingBuffer()
        buffer.add(record("C1", 0, 1), now: now)
        buffer.add(record("C2", 1), now: now)
        buffer.add(record("C1", 2, 2), now: now)
        #expect(buffer.waitingCount == 2)
        let batch = buffer.takeBatch(limit: 200)
        #expect(batch.map(\.entry.record.body) == [.object(["v": .int(2)]), .object(["v": .int(0)])])
        #expect(buffer.committableOffsets[partition] == 0)
        buffer.settle(key: batch[1].key, entry: batch[1].entry)
        #expect(buffer.committableOffsets[partition] == 0, "C1's offsets 0 and 2 are still unsettled")
        buffer.settle(key: batch[0].key, entry: batch[0].entry)
        #expect(buffer.committableOffsets[partition] == 3)
    }

    @Test func aKeyInFlightIsNotSentAgainAndARetryYieldsToANewerRecord() {
        var buffer = CoalescingBuffer()
        buffer.add(record("C1", 0, 1), now: now)
        let first = buffer.takeBatch(limit: 200)
        buffer.add(record("C1", 1, 2), now: now)
        #expect(buffer.takeBatch(limit: 200).isEmpty, "C1 is in flight")
        buffer.requeue(key: first[0].key, entry: first[0].entry, now: now)
        let second = buffer.takeBatch(limit: 200)
        #expect(second.count == 1)
        #expect(second[0].entry.record.body == .object(["v": .int(2)]), "the retry must not overwrite the newer update")
        #expect(second[0].entry.positions[partition]?.sorted() == [0, 1])
        buffer.settle(key: second[0].key, entry: second[0].entry)
        #expect(buffer.committableOffsets[partition] == 2)
    }

    @Test func coalescedPartialUpdatesKeepEveryFieldWithTheNewestValues() {
        var buffer = CoalescingBuffer()
        func update(_ offset: Int64, _ fields: JSONObject) -> SinkRecord {
            SinkRecord(coalescingKey: "C1", body: .object(fields), source: ConsumerRecord(topic: "sink", partition: 0, offset: offset, key: nil, value: nil, timestamp: 0))
        }
        buffer.add(update(0, ["Email": "a@x", "Phone": "1"]), now: now)
        buffer.add(update(1, ["Phone": "2"]), now: now)
        let sent = buffer.takeBatch(limit: 200)
        #expect(sent[0].entry.record.body == .object(["Email": "a@x", "Phone": "2"]))
        buffer.add(update(2, ["City": "Graz"]), now: now)
        buffer.requeue(key: sent[0].key, entry: sent[0].entry, now: now)
        #expect(buffer.takeBatch(limit: 200)[0].entry.record.body == .object(["Email": "a@x", "Phone": "2", "City": "Graz"]), "a retry merges under what arrived meanwhile")
    }

    @Test func recordsWithoutAKeyAreNeverCoalescedAndBatchesRespectTheLimit() {
        var buffer = CoalescingBuffer()
        for offset in 0..<5 { buffer.add(record(nil, Int64(offset)), now: now) }
        #expect(buffer.waitingCount == 5)
        #expect(buffer.takeBatch(limit: 2).count == 2)
        #expect(buffer.takeBatch(limit: 2).count == 2)
        #expect(buffer.takeBatch(limit: 2).count == 1)
        #expect(buffer.waitingSince == nil)
    }

    @Test func forgettingARevokedPartitionDropsItsRecordsAndOffsets() {
        var buffer = CoalescingBuffer()
        buffer.add(record("C1", 0), now: now)
        buffer.forget([partition])
        #expect(buffer.waitingCount == 0)
        #expect(buffer.committableOffsets.isEmpty)
    }
}
