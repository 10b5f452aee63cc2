import Testing
@testable import StreamCore
import TributaryTestSupport

/// State with a time to live through the record processor against a real RocksDB store: an
/// aggregation's `timeToLive` and `deduplicate`'s remembered ids. Expected results follow the rules
/// by hand: an entry expires once stream time is more than the time to live past its timestamp.
@Suite("Expiring state")
struct ExpiringStateTests {
    /// A source whose event time is `value.t` and key the record's, then `operation`'s node, then a
    /// sink; outputs are read back as `key=value`.
    final class Harness {
        let directory = TemporaryDirectory("expiry")
        let processor: RecordProcessor
        let store: KeyValueStore
        let state: TaskState
        private var offset: Int64 = 0

        init(store name: String, _ then: (KStream) -> KStream) throws {
            let builder = TopologyBuilder(applicationID: "app")
            then(builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json) { $0.value["t"]?.int64Value ?? -1 }).to("out", topic: "out")
            processor = RecordProcessor(topology: try builder.build())
            store = try KeyValueStore(name: name, directory: directory.appending(name), changelog: TopicPartition("app-\(name)-changelog", 0))
            state = TaskState(stores: [name: store])
        }

        func send(_ key: String, at t: Int64, id: String? = nil) -> [String] {
            offset += 1
            let value = #"{"t":\#(t)"# + (id.map { #","id":"\#($0)""# } ?? "") + "}"
            let input = ConsumerRecord(topic: "in", partition: 0, offset: offset, key: Array(key.utf8), value: Array(value.utf8), timestamp: 0)
            guard case .outputs(let records) = processor.process(input, state: state) else { return ["dead-letter"] }
            return records.map { "\(String(decoding: $0.key ?? [], as: UTF8.self))=\(String(decoding: $0.value ?? [], as: UTF8.self))" }
        }

        func stored(_ key: JSONValue) throws -> StoredValue? {
            try store.get(StoreKeyCodec.encode(key)).map { try StoredValue.decode($0) }
        }
    }

    private static func counting(timeToLive: Int64) -> Aggregation {
        Aggregation(
            store: "counts", windows: nil, initializer: { _ in .int(0) }, adder: { aggregate, _ in .int(aggregate.int64Value! + 1) },
            timeToLive: timeToLive)
    }

    @Test func anAggregateOlderThanItsTimeToLiveStartsAgain() throws {
        let harness = try Harness(store: "counts") { $0.aggregate("count", Self.counting(timeToLive: 1_000)) }
        #expect(harness.send("a", at: 0) == ["a=1"])
        #expect(harness.send("a", at: 1_000) == ["a=2"], "exactly the time to live later it still lives")
        #expect(harness.send("a", at: 500) == ["a=3"], "an older record keeps the newest time, 1000")
        #expect(harness.send("b", at: 2_000) == ["b=1"])
        #expect(harness.send("a", at: 2_001) == ["a=1"], "stream time 2001 is more than 1000 past a's newest record, 1000")
    }

    @Test func sweepsDeleteExpiredEntriesFromTheStoreAndItsChangelog() throws {
        let harness = try Harness(store: "counts") { $0.aggregate("count", Self.counting(timeToLive: 1_000)) }
        _ = harness.send("a", at: 0)
        _ = harness.send("b", at: 900)
        // Sweeps run each time stream time has moved on by a tenth of the time to live: at 900, then at 1850.
        _ = harness.send("c", at: 1_850)
        #expect(try harness.stored("a") == nil, "a (newest 0) expired before 850")
        #expect(try harness.stored("b")?.value == .int(1), "b (newest 900) has not")
        #expect(harness.store.dirtyCount == 3, "the deletion waits in the write cache for the changelog, with b's and c's writes")
    }

    @Test func deduplicationKeepsTheFirstCopyWheneverItArrives() throws {
        let harness = try Harness(store: "seen") { stream in
            stream.deduplicate("unique", Deduplication(store: "seen", within: 1_000) { $0.value["id"] ?? .null })
        }
        #expect(harness.send("k", at: 5_000, id: "x") == [#"k={"t":5000,"id":"x"}"#])
        #expect(harness.send("k", at: 5_000, id: "x") == [])
        #expect(harness.send("k", at: 100, id: "late") == [#"k={"t":100,"id":"late"}"#], "a first copy far behind stream time passes")
        #expect(try harness.stored("late")?.timestamp == 5_000, "remembered from the stream time it arrived at")
        #expect(harness.send("k", at: 6_000, id: "y") == [#"k={"t":6000,"id":"y"}"#])
        #expect(harness.send("k", at: 100, id: "late") == [], "still remembered at stream time 6000")
        #expect(harness.send("k", at: 6_001, id: "z") == [#"k={"t":6001,"id":"z"}"#])
        #expect(harness.send("k", at: 5_000, id: "x") == [#"k={"t":5000,"id":"x"}"#], "forgotten: stream time 6001 is more than 1000 past 5000")
        #expect(harness.send("k", at: 7_000) == [#"k={"t":7000}"#])
        #expect(harness.send("k", at: 7_000) == [#"k={"t":7000}"#], "without an id a record is no one's copy")
        #expect(harness.processor.statistics[1].dropped == 2)
    }
}
