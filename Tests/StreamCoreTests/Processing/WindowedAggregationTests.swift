import Testing
@testable import StreamCore
import TributaryTestSupport

/// Aggregations through the record processor against a real RocksDB store: which windows a record
/// updates, when a window closes and emits, what is late. Expected results are written out by hand
/// from Kafka Streams' documented rules.
@Suite("Windowed aggregation")
struct WindowedAggregationTests {
    /// One task's worth of processing: a source whose event time is `value.t`, an aggregation, and a
    /// sink that records `key`, aggregate and window as `key=value@[start,end]`.
    final class Harness {
        let directory = TemporaryDirectory("aggregation")
        let processor: RecordProcessor
        let state: TaskState
        private var offset: Int64 = 0

        init(_ aggregation: Aggregation) throws {
            let builder = TopologyBuilder(applicationID: "app")
            builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json) { $0.value["t"]?.int64Value ?? -1 }
                .aggregate("agg", aggregation)
                .transform("annotate", kind: "map-values") { record in
                    let window = record.window.map { "@[\($0.start),\($0.end)]" } ?? ""
                    record.value = .string("\(record.value)\(window)")
                }
                .to("out", topic: "out")
            processor = RecordProcessor(topology: try builder.build())
            let store = try KeyValueStore(name: aggregation.store, directory: directory.appending(aggregation.store), changelog: TopicPartition("app-\(aggregation.store)-changelog", 0))
            state = TaskState(stores: [aggregation.store: store])
        }

        /// Processes a record of `key` at event time `t`; returns the outputs as `key=aggregate@[start,end]`.
        func send(_ key: String, at t: Int64, value: Int = 1) -> [String] {
            offset += 1
            let input = ConsumerRecord(topic: "in", partition: 0, offset: offset, key: Array(key.utf8), value: Array(#"{"t":\#(t),"n":\#(value)}"#.utf8), timestamp: 0)
            switch processor.process(input, state: state) {
            case .outputs(let records):
                return records.map { record in
                    let value = record.value.map { String(decoding: $0, as: UTF8.self) } ?? "null"
                    return "\(String(decoding: record.key ?? [], as: UTF8.self))=\(value.replacingOccurrences(of: "\"", with: ""))"
                }
            case .deadLetter(_, let error):
                return ["dead-letter: \(error.kind)"]
            }
        }

        var late: Int { processor.statistics[1].late }
    }

    private static func count(_ windows: WindowSpecification?, emit: EmitMode = .updates, late: LateRecordPolicy = .drop) -> Aggregation {
        Aggregation(
            store: "counts", windows: windows, initializer: { _ in .int(0) }, adder: { aggregate, _ in .int(aggregate.int64Value! + 1) },
            merger: { .int($0.int64Value! + $1.int64Value!) }, emit: emit, lateRecords: late)
    }

    @Test func tumblingFinalResultsAreEmittedOnceWhenStreamTimeReachesEndPlusGrace() throws {
        let harness = try Harness(Self.count(.time(.tumbling(size: 60_000, grace: 10_000)), emit: .final))
        #expect(harness.send("a", at: 0) == [])
        #expect(harness.send("a", at: 59_999) == [], "the end is excluded, the last millisecond is in")
        #expect(harness.send("b", at: 60_000) == [], "a record at the end opens the next window")
        #expect(harness.send("a", at: 30_000) == [], "grace: [0, 60000) still accepts until stream time 70000")
        #expect(harness.send("b", at: 69_999) == [])
        #expect(harness.send("b", at: 70_000) == ["a=3@[0,60000]"], "closes at end + grace, exactly")
        #expect(harness.send("a", at: 59_000) == [], "late: its only window has closed")
        #expect(harness.late == 1)
        #expect(harness.send("c", at: 130_000) == ["b=3@[60000,120000]"], "emitted once, never again for [0, 60000)")
    }

    @Test func hoppingRecordsUpdateEveryWindowContainingThem() throws {
        let harness = try Harness(Self.count(.time(.hopping(size: 10_000, advance: 5_000, grace: 0))))
        #expect(harness.send("k", at: 7_000) == ["k=1@[0,10000]", "k=1@[5000,15000]"])
        #expect(harness.send("k", at: 10_000) == ["k=1@[10000,20000]", "k=2@[5000,15000]"].sorted { $0.contains("[5000") && !$1.contains("[5000") })
        // Stream time 15000: [5000, 15000) has closed, [10000, 20000) has not.
        #expect(harness.send("k", at: 15_000) == ["k=2@[10000,20000]", "k=1@[15000,25000]"])
        #expect(harness.send("k", at: 14_999) == ["k=3@[10000,20000]"], "partly late: only its open window counts it")
        #expect(harness.late == 0, "a record is late only when every window it belongs to has closed")
        #expect(harness.send("k", at: 4_999) == [])
        #expect(harness.late == 1)
    }

    @Test func sessionsMergeWithinTheGapAndWithdrawTheMergedResults() throws {
        let harness = try Harness(Self.count(.session(SessionWindows(gap: 5_000, grace: 20_000))))
        #expect(harness.send("u", at: 0) == ["u=1@[0,0]"])
        #expect(harness.send("u", at: 5_000) == ["u=null@[0,0]", "u=2@[0,5000]"], "exactly the gap apart: one session")
        #expect(harness.send("u", at: 10_001) == ["u=1@[10001,10001]"], "more than the gap apart: a new session")
        #expect(harness.send("u", at: 7_500) == ["u=null@[0,5000]", "u=null@[10001,10001]", "u=4@[0,10001]"], "a record between two sessions merges them")
        #expect(harness.send("w", at: 2_000) == ["w=1@[2000,2000]"], "sessions are per key")
        // Stream time 40002: u's session [0, 10001] closed (10001 + 5000 + 20000 < 40002).
        #expect(harness.send("v", at: 40_002) == ["v=1@[40002,40002]"])
        #expect(harness.send("u", at: 12_000) == [], "it would have joined a closed session: late")
        #expect(harness.late == 1)
    }

    @Test func aClosedSessionNeverMergesAgain() throws {
        let harness = try Harness(Self.count(.session(SessionWindows(gap: 5_000, grace: 0))))
        #expect(harness.send("u", at: 0) == ["u=1@[0,0]"])
        #expect(harness.send("v", at: 5_001) == ["v=1@[5001,5001]"], "stream time 5001 closes u's [0, 0]")
        // Within the gap of [0, 0], but that session is final: the record starts its own (still open) one.
        #expect(harness.send("u", at: 4_000) == ["u=1@[4000,4000]"])
        #expect(harness.late == 0)
    }

    @Test func sessionFinalResultsWaitForGapAndGrace() throws {
        let harness = try Harness(Self.count(.session(SessionWindows(gap: 5_000, grace: 1_000)), emit: .final))
        #expect(harness.send("u", at: 0) == [])
        #expect(harness.send("u", at: 2_000) == [])
        #expect(harness.send("v", at: 8_000) == [], "at 8000 [0, 2000] still accepts: 2000 + 5000 + 1000 is not before 8000")
        #expect(harness.send("v", at: 8_001) == ["u=2@[0,2000]"])
    }

    @Test func slidingWindowsAreDefinedByTheRecordsWithBothEndsIncluded() throws {
        // Kafka Streams' javadoc example: time difference 5000, records at 8000, 9200 and 12400.
        let harness = try Harness(Self.count(.sliding(SlidingWindows(size: 5_000, grace: 100_000))))
        #expect(harness.send("k", at: 8_000) == ["k=1@[3000,8000]"])
        // Results come in KStreamSlidingWindowAggregate's order: windows that existed (latest start first),
        // then the new ones — the previous record's right window before the record's left window.
        #expect(harness.send("k", at: 9_200) == ["k=1@[8001,13001]", "k=2@[4200,9200]"], "9200 is in 8000's right window")
        #expect(harness.send("k", at: 12_400) == ["k=2@[8001,13001]", "k=1@[9201,14201]", "k=3@[7400,12400]"])
        // Out of order: early records share [0, 5000]; 3000 is in [3000, 8000] (ends included) and its own
        // right window [3001, 8001] now exists, holding 8000 (processEarly: existing windows, the record's
        // right window, then [0, 5000]).
        #expect(harness.send("k", at: 3_000) == ["k=2@[3000,8000]", "k=1@[3001,8001]", "k=1@[0,5000]"])
    }

    @Test func slidingFinalResultsCloseAfterEndPlusGrace() throws {
        let harness = try Harness(Self.count(.sliding(SlidingWindows(size: 1_000, grace: 0)), emit: .final))
        #expect(harness.send("k", at: 5_000) == [])
        #expect(harness.send("j", at: 5_000) == [], "[4000, 5000] is open while stream time is at its end")
        #expect(harness.send("j", at: 5_001) == ["j=1@[4000,5000]", "k=1@[4000,5000]"], "and closes once stream time passes it")
        #expect(harness.send("k", at: 3_999) == [], "its last possible window [3999, 4999] has closed")
        #expect(harness.late == 1)
    }

    @Test func aggregatesPerKeyWithoutWindowsEmitEveryUpdate() throws {
        let harness = try Harness(Self.count(nil))
        #expect(harness.send("a", at: 5) == ["a=1"])
        #expect(harness.send("a", at: 1) == ["a=2"], "no windows, nothing is late")
        #expect(harness.send("b", at: 1) == ["b=1"])
    }

    @Test func lateRecordsCanBeDeadLettered() throws {
        let harness = try Harness(Self.count(.time(.tumbling(size: 1_000, grace: 0)), late: .deadLetter))
        _ = harness.send("a", at: 5_000)
        #expect(harness.send("a", at: 100) == ["dead-letter: late-record"])
        #expect(harness.late == 1)
    }

    @Test func aFailedRecordLeavesNoStateBehind() throws {
        let aggregation = Aggregation(
            store: "sums", windows: nil, initializer: { _ in .int(0) },
            adder: { aggregate, record in
                guard let n = record.value["n"]?.int64Value, n >= 0 else { throw StepFailure(.expressionFailed, "negative") }
                return .int(aggregate.int64Value! + n)
            })
        let harness = try Harness(aggregation)
        #expect(harness.send("a", at: 1, value: 5) == ["a=5"])
        #expect(harness.send("a", at: 2, value: -1) == ["dead-letter: expression-failed"])
        #expect(harness.send("a", at: 3, value: 2) == ["a=7"], "the failed record changed nothing")
    }

    @Test func expiredWindowsLeaveTheStoreAfterRetention() throws {
        let aggregation = Aggregation(
            store: "counts", windows: .time(.tumbling(size: 1_000, grace: 0)), retention: 3_000,
            initializer: { _ in .int(0) }, adder: { aggregate, _ in .int(aggregate.int64Value! + 1) })
        let harness = try Harness(aggregation)
        _ = harness.send("a", at: 0)
        _ = harness.send("a", at: 2_999)
        #expect(try harness.state.store("counts").entries().count == 2)
        _ = harness.send("a", at: 3_000)
        let starts = try harness.state.store("counts").entries().map { WindowStoreLayout.decodeWindowKey($0.key).start }
        #expect(starts == [2_000, 3_000], "[0, 1000) started 3000 ms before stream time: past retention")
    }
}
