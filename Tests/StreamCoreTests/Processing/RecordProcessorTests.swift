import Testing
@testable import StreamCore

@Suite("Record processor (operators)")
struct RecordProcessorTests {
    private func input(key: String? = "k", value: String?, topic: String = "in", offset: Int64 = 7, headers: [KafkaHeader] = []) -> ConsumerRecord {
        ConsumerRecord(topic: topic, partition: 2, offset: offset, key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) }, headers: headers, timestamp: 1000)
    }

    private func outputs(_ outcome: RecordProcessor.Outcome) -> [ProducerRecord] {
        if case .outputs(let records) = outcome { return records }
        Issue.record("expected outputs, got \(outcome)")
        return []
    }

    private func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    @Test func unchangedRecordsAreWrittenByteForByte() throws {
        let builder = TopologyBuilder(applicationID: "app")
        builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json).to("out", topic: "out")
        let processor = RecordProcessor(topology: try builder.build())
        let raw = #"{ "b" : 1.50, "a":"\u00e9" }"#
        let written = outputs(processor.process(input(value: raw)))
        #expect(written.count == 1)
        #expect(text(written.first?.value) == raw)
        #expect(text(written.first?.key) == "k")
        #expect(written.first?.timestamp == 1000)
    }

    @Test func filterDropsAndCountsRecordsThatDoNotMatch() throws {
        let builder = TopologyBuilder(applicationID: "app")
        builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json)
            .filter("only-a") { $0.value["kind"] == .string("a") }
            .to("out", topic: "out")
        let processor = RecordProcessor(topology: try builder.build())
        #expect(outputs(processor.process(input(value: #"{"kind":"a"}"#))).count == 1)
        #expect(outputs(processor.process(input(value: #"{"kind":"b"}"#))).isEmpty)
        let counts = processor.nodeCounts.first { $0.node == "only-a" }
        #expect(counts?.received == 2 && counts?.dropped == 1)
    }

    @Test func transformedValuesAreReEncodedInTheSinkFormat() throws {
        let builder = TopologyBuilder(applicationID: "app")
        builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json)
            .transform("reshape", kind: "map-values") { $0.value = ["n": $0.value["n"] ?? .null, "tag": "x"] }
            .transform("rekey", kind: "select-key") { $0.key = .int(42) }
            .to("out", topic: "out", keyFormat: .string, valueFormat: .json)
        let written = outputs(RecordProcessor(topology: try builder.build()).process(input(value: #"{"n": 3}"#)))
        #expect(text(written.first?.value) == #"{"n":3,"tag":"x"}"#)
        #expect(text(written.first?.key) == "42")
    }

    @Test func branchSendsEachRecordToTheFirstMatchingArmOnly() throws {
        let builder = TopologyBuilder(applicationID: "app")
        let arms = builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json).branch("split", [
            (name: "small", predicate: { ($0.value["n"]?.int64Value ?? 0) < 10 }),
            (name: "even", predicate: { ($0.value["n"]?.int64Value ?? 1) % 2 == 0 }),
        ], withDefault: true)
        arms[0].to("to-small", topic: "small")
        arms[1].to("to-even", topic: "even")
        arms[2].to("to-rest", topic: "rest")
        let processor = RecordProcessor(topology: try builder.build())
        #expect(outputs(processor.process(input(value: #"{"n": 4}"#))).map(\.topic) == ["small"])
        #expect(outputs(processor.process(input(value: #"{"n": 12}"#))).map(\.topic) == ["even"])
        #expect(outputs(processor.process(input(value: #"{"n": 13}"#))).map(\.topic) == ["rest"])
    }

    @Test func branchWithoutDefaultDropsUnmatchedRecords() throws {
        let builder = TopologyBuilder(applicationID: "app")
        let arms = builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json)
            .branch("split", [(name: "a", predicate: { $0.value == .string("a") })], withDefault: false)
        arms[0].to("to-a", topic: "a")
        let processor = RecordProcessor(topology: try builder.build())
        #expect(outputs(processor.process(input(value: #""b""#))).isEmpty)
        #expect(processor.nodeCounts.first { $0.node == "split" }?.dropped == 1)
    }

    @Test func flatMapEmitsOneRecordPerElementInOrder() throws {
        let builder = TopologyBuilder(applicationID: "app")
        builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json)
            .flatMap("explode") { record in
                (record.value["items"]?.arrayValue ?? []).map { item in
                    var copy = record
                    copy.value = item
                    return copy
                }
            }
            .to("out", topic: "out")
        let written = outputs(RecordProcessor(topology: try builder.build()).process(input(value: #"{"items":[1,"two",{"three":3}]}"#)))
        #expect(written.map { text($0.value) } == ["1", "\"two\"", #"{"three":3}"#])
    }

    @Test func recordsWrittenToATopicTheTopologyReadsBackCarryTheirOrigin() throws {
        let builder = TopologyBuilder(applicationID: "app")
        let requests = builder.stream("requests", topic: "in", keyFormat: .string, valueFormat: .json)
        requests.to("ask", topic: "answers")
        requests.to("tell", topic: "out")
        builder.stream("answers", topic: "answers", keyFormat: .string, valueFormat: .json).to("done", topic: "done")
        let topology = try builder.build()
        #expect(topology.feedbackTopics == ["answers"])
        #expect(topology.topicsCarryingOrigin == ["answers"])

        let written = outputs(RecordProcessor(topology: topology).process(input(value: "1", offset: 41)))
        let feedback = try #require(written.first { $0.topic == "answers" })
        let origin = try #require(OriginHeaders.position(in: feedback.headers))
        #expect(origin.partition == TopicPartition("in", 2))
        #expect(origin.position == OriginPosition(offset: 41, fanout: 0))
        let plain = try #require(written.first { $0.topic == "out" })
        #expect(OriginHeaders.position(in: plain.headers) == nil)
    }

    /// Each output's id is its sink, its input's position and its place among the input's outputs:
    /// the same however often the input is processed again.
    @Test func eachOutputCarriesAnIdMadeOfItsSinkItsInputsPositionAndItsFanout() throws {
        let builder = TopologyBuilder(applicationID: "app")
        let requests = builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json)
        requests.flatMap("twice") { [$0, $0] }.to("copies", topic: "out")
        requests.to("ask", topic: "answers")
        builder.stream("answers", topic: "answers", keyFormat: .string, valueFormat: .json).to("done", topic: "done")
        let processor = RecordProcessor(topology: try builder.build())
        let written = outputs(processor.process(input(value: "1", offset: 1_234_567_890_123, headers: [KafkaHeader("trace", "t-1")])))
        #expect(written.map { text($0.headers.lastValue(named: OriginHeaders.id)) } == [
            "copies/in/2/1234567890123/0", "copies/in/2/1234567890123/1", "ask/in/2/1234567890123/2",
        ])
        // The input's headers come first; a record to a topic read back also carries its origin.
        #expect(written.map { $0.headers.map(\.name) } == [
            ["trace", OriginHeaders.id], ["trace", OriginHeaders.id],
            ["trace", OriginHeaders.id, OriginHeaders.topic, OriginHeaders.partition, OriginHeaders.offset, OriginHeaders.fanout],
        ])
        let again = outputs(processor.process(input(value: "1", offset: 1_234_567_890_123, headers: [KafkaHeader("trace", "t-1")])))
        #expect(again == written)
    }

    @Test func mergeCombinesStreams() throws {
        let builder = TopologyBuilder(applicationID: "app")
        let first = builder.stream("a", topic: "a", keyFormat: .string, valueFormat: .string)
        let second = builder.stream("b", topic: "b", keyFormat: .string, valueFormat: .string)
        first.merge("both", with: [second]).to("out", topic: "out", valueFormat: .string)
        let processor = RecordProcessor(topology: try builder.build())
        #expect(outputs(processor.process(input(value: "x", topic: "a"))).map { text($0.value) } == ["x"])
        #expect(outputs(processor.process(input(value: "y", topic: "b"))).map { text($0.value) } == ["y"])
    }

    @Test func undecodableValueIsDeadLetteredWithItsOriginAndReason() throws {
        let builder = TopologyBuilder(applicationID: "app")
        builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json).to("out", topic: "out")
        let outcome = RecordProcessor(topology: try builder.build()).process(input(value: "{oops", headers: [KafkaHeader("trace", "t1")]))
        guard case .deadLetter(let letter, let error) = outcome else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(letter.topic == "app-dlq")
        #expect(text(letter.value) == "{oops" && text(letter.key) == "k")
        #expect(error.kind == .undecodable && error.node == "src")
        #expect(text(letter.headers.lastValue(named: "trace")) == "t1")
        #expect(text(letter.headers.lastValue(named: "tributary.source.topic")) == "in")
        #expect(text(letter.headers.lastValue(named: "tributary.source.partition")) == "2")
        #expect(text(letter.headers.lastValue(named: "tributary.source.offset")) == "7")
        #expect(text(letter.headers.lastValue(named: "tributary.error.node")) == "src")
        #expect(text(letter.headers.lastValue(named: "tributary.error"))?.contains("not valid JSON") == true)
    }

    @Test func aFailureHalfwayProducesNoOutputsOnlyTheDeadLetter() throws {
        let builder = TopologyBuilder(applicationID: "app")
        let arms = builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json)
            .flatMap("good-then-bad") { record in
                var good = record
                good.value = "good"
                var bad = record
                bad.value = "bad"
                return [good, bad]
            }
            .branch("split", [(name: "first", predicate: { _ in true })], withDefault: false)
        arms[0].transform("fails-on-second", kind: "map") { record in
            if record.value == .string("bad") { throw StepFailure(.expressionFailed, "bad value") }
        }.to("out", topic: "out")
        let processor = RecordProcessor(topology: try builder.build())
        guard case .deadLetter(_, let error) = processor.process(input(value: "{}")) else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(error.node == "fails-on-second" && error.message == "bad value")
    }

    @Test func requireDeadLettersWithTheStatedReason() throws {
        let builder = TopologyBuilder(applicationID: "app")
        builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json)
            .require("object", reason: "value must be an object") { $0.value.objectValue != nil }
            .to("out", topic: "out")
        let processor = RecordProcessor(topology: try builder.build())
        #expect(outputs(processor.process(input(value: "{}"))).count == 1)
        guard case .deadLetter(_, let error) = processor.process(input(value: "[]")) else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(error.kind == .requirementFailed && error.message == "value must be an object")
    }

    @Test func eventTimeBecomesTheOutputTimestamp() throws {
        let builder = TopologyBuilder(applicationID: "app")
        builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json) { record in
            EventTimestamp.milliseconds(from: record.value["ts"] ?? .null) ?? 0
        }.to("out", topic: "out")
        let written = outputs(RecordProcessor(topology: try builder.build()).process(input(value: #"{"ts":"2026-11-27T14:00:00.250Z"}"#)))
        #expect(written.first?.timestamp == 1_795_788_000_250)
    }

    /// A time a task must not take as its stream time is the record's failure, not the task's: before
    /// the epoch (Kafka Streams' extractor refuses negative times), or further ahead of the wall clock
    /// than the skew allows (one such record would close every window of its task).
    @Test func eventTimesBeforeTheEpochOrTooFarAheadAreDeadLettered() throws {
        let builder = TopologyBuilder(applicationID: "app")
        builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json) { $0.value["ts"]?.int64Value ?? 0 }.to("out", topic: "out")
        let processor = RecordProcessor(topology: try builder.build())
        processor.wallClock = { 1_000_000 }
        func kind(_ ts: Int64) -> String {
            switch processor.process(input(value: #"{"ts":\#(ts)}"#)) {
            case .outputs: "ok"
            case .deadLetter(_, let error): "\(error.kind): \(error.message)"
            }
        }
        #expect(kind(-1) == "invalid-event-time: event time 1969-12-31T23:59:59.999Z is before 1970-01-01 (the Unix epoch)")
        #expect(kind(0) == "ok")
        #expect(kind(999_999_999_999) == "ok", "without a skew any later time is accepted (runner test, the driver)")
        processor.maximumEventTimeSkew = 60_000
        #expect(kind(1_060_000) == "ok", "exactly the skew ahead")
        #expect(kind(1_060_001).hasPrefix("invalid-event-time: event time 1970-01-01T00:17:40.001Z is more than 60 s ahead of the wall clock (1970-01-01T00:16:40.000Z)"))
    }

    @Test func aTopicReadByTwoSourcesIsRefused() {
        let builder = TopologyBuilder(applicationID: "app")
        _ = builder.stream("a", topic: "in", keyFormat: .string, valueFormat: .json)
        _ = builder.stream("b", topic: "in", keyFormat: .string, valueFormat: .json)
        #expect(throws: TopologyBuilder.BuildError.self) { try builder.build() }
    }
}

@Suite("Event timestamps")
struct EventTimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("1970-01-01T00:00:00.001Z", 1),
        ("2026-11-27T14:00:00.000Z", 1_795_788_000_000),
        ("2026-11-27T15:00:00.000+01:00", 1_795_788_000_000),
        ("2026-11-27T09:30:00-0430", 1_795_788_000_000),
        ("2000-02-29T12:00:00.5Z", 951_825_600_500),
        ("2026-11-27 14:00:00Z", 1_795_788_000_000),
    ])
    func parsesISO8601(text: String, milliseconds: Int64) {
        #expect(EventTimestamp.parseISO8601(text) == milliseconds)
    }

    @Test(arguments: ["", "2026-11-27", "2026-11-27T14:00:00", "2026-13-01T00:00:00Z", "2026-11-27T14:00:00.Z", "2026-11-27T14:00:00Zjunk",
                      "2026-11-27T14:00:00+99:00", "2026-11-27T14:00:00+01:75"])
    func rejectsWhatIsNotATimestamp(text: String) {
        #expect(EventTimestamp.parseISO8601(text) == nil)
    }

    @Test func numbersAreEpochMilliseconds() {
        #expect(EventTimestamp.milliseconds(from: .int(1234)) == 1234)
        #expect(EventTimestamp.milliseconds(from: .double(1234.9)) == 1234)
        #expect(EventTimestamp.milliseconds(from: .bool(true)) == nil)
    }

    /// A number no milliseconds can hold is no time (it would trap converting): the record that carries
    /// it is dead-lettered as an invalid event time, not a crash on every restart.
    @Test(arguments: [1e30, -1e30, 9.3e18, 1e16, Double.infinity])
    func numbersBeyondMillisecondsAreNotTimes(value: Double) {
        #expect(EventTimestamp.milliseconds(from: .double(value)) == nil)
    }

    /// Times run from year 1 to 9999, so adding a window, grace or timer (at most 100 years) cannot overflow.
    @Test func timesBeyondYear9999AreNotTimes() {
        #expect(EventTimestamp.milliseconds(from: .int(Int64.max)) == nil)
        #expect(EventTimestamp.milliseconds(from: .int(253_402_300_799_999)) == 253_402_300_799_999)
        #expect(EventTimestamp.milliseconds(from: .int(253_402_300_800_000)) == nil)
        #expect(EventTimestamp.milliseconds(from: .string("9999-12-31T23:59:59.999Z")) == 253_402_300_799_999)
    }
}

@Suite("Oversized outputs")
struct OversizedOutputTests {
    /// An output the producer would refuse (message.max.bytes) stopped the stream thread on every
    /// restart; the input is dead-lettered instead, and a dead letter that would itself be too large
    /// keeps its headers and reason and the value's start, saying so.
    @Test func anOutputLargerThanTheProducerSendsDeadLettersItsInputTruncated() throws {
        let builder = TopologyBuilder(applicationID: "app")
        builder.stream("src", topic: "in", keyFormat: .string, valueFormat: .json).to("out", topic: "out")
        let processor = RecordProcessor(topology: try builder.build())
        let value = Array(#"{"text":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 1_100_000) + Array(#""}"#.utf8)
        let input = ConsumerRecord(topic: "in", partition: 0, offset: 3, key: Array("k".utf8), value: value, timestamp: 1000)
        guard case .deadLetter(let letter, let error) = processor.process(input) else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(error.kind == .outputTooLarge && error.node == "out")
        #expect(letter.topic == "app-dlq")
        #expect(letter.payloadSize <= DeadLetter.maximumRecordBytes)
        #expect(letter.value.map { Array(value.prefix($0.count)) == $0 } == true, "the value's start")
        #expect(letter.headers.lastValue(named: DeadLetter.truncatedHeader).map { String(decoding: $0, as: UTF8.self).hasSuffix("of 1100011 bytes") } == true)

        let small = ConsumerRecord(topic: "in", partition: 0, offset: 4, key: Array("k".utf8), value: Array(#"{"text":"x"}"#.utf8), timestamp: 1000)
        guard case .outputs(let records) = processor.process(small) else {
            Issue.record("a record of normal size goes on")
            return
        }
        #expect(records.map(\.topic) == ["out"])
    }
}
