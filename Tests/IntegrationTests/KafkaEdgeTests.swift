import Foundation
import Logging
import StreamCore
import Synchronization
import Testing
import TributaryTestSupport

/// The Kafka edge against a real Kafka-protocol broker (`runner dev-broker`, in its own process).
@Suite("Kafka edge against runner dev-broker")
struct KafkaEdgeTests {
    private let logger: Logger = {
        var logger = Logger(label: "kafka-edge-test")
        logger.logLevel = .warning
        return logger
    }()

    private func producer(_ broker: TestDevBroker) throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers), logger: logger)
    }

    private func consumerConfiguration(_ broker: TestDevBroker, group: String) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: broker.bootstrapServers, groupID: group)
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .milliseconds(500)
        return configuration
    }

    /// Polls a fresh group member on its own thread until `count` records arrived, marking them processed.
    private func consume(
        _ configuration: KafkaConsumerConfiguration, topics: [String], count: Int, timeout: Duration = .seconds(40)
    ) async throws -> [ConsumerRecord] {
        let logger = logger
        return try await onOwnThread {
            let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
            try consumer.subscribe(topics)
            var records: [ConsumerRecord] = []
            let deadline = ContinuousClock.now + timeout
            while records.count < count, ContinuousClock.now < deadline {
                for record in try consumer.poll(timeout: .milliseconds(200)) {
                    records.append(record)
                    consumer.markProcessed(record)
                }
            }
            try consumer.close()
            return records
        }
    }

    @Test func producedRecordsArriveWithKeysValuesHeadersAndTimestamps() async throws {
        let broker = try TestDevBroker(topics: ["round-trip:3"])
        let producer = try producer(broker)
        var sent: [ProducerRecord] = []
        for i in 0..<30 {
            sent.append(ProducerRecord(
                topic: "round-trip", key: Array("customer-\(i)".utf8), value: Array("{\"n\":\(i)}".utf8),
                headers: [KafkaHeader("trace", "t-\(i)"), KafkaHeader("empty", []), KafkaHeader("null", nil)],
                timestamp: 1_764_252_000_000 + Int64(i)))
        }
        sent.append(ProducerRecord(topic: "round-trip", partition: 1, key: nil, value: Array("no key".utf8), timestamp: 1))
        sent.append(ProducerRecord(topic: "round-trip", partition: 2, key: Array("empty".utf8), value: [], timestamp: 2))
        sent.append(ProducerRecord(topic: "round-trip", partition: 0, key: Array("tombstone".utf8), value: nil, timestamp: 3))
        var acknowledged: [RecordMetadata] = []
        for record in sent { acknowledged.append(try await producer.send(record)) }
        try producer.close()

        let received = try await consume(consumerConfiguration(broker, group: "round-trip-reader"), topics: ["round-trip"], count: sent.count)
        #expect(received.count == sent.count)
        for (record, metadata) in zip(sent, acknowledged) {
            let match = received.first { $0.partition == metadata.partition && $0.offset == metadata.offset }
            #expect(match?.key == record.key)
            #expect(match?.value == record.value)
            #expect(match?.headers == record.headers)
            #expect(match?.timestamp == record.timestamp)
        }
    }

    @Test func keyedRecordsLandWhereJavasMurmur2PartitionerPutsThem() async throws {
        let broker = try TestDevBroker(topics: ["keyed:6"])
        let producer = try producer(broker)
        for i in 0..<200 {
            let key = Array("C\(i * 7919)".utf8)
            let metadata = try await producer.send(ProducerRecord(topic: "keyed", key: key, value: [1]))
            #expect(metadata.partition == JavaMurmur2.partition(forKey: key, partitions: 6), "key C\(i * 7919)")
        }
        try producer.close()
    }

    @Test func deliveryToAMissingPartitionFailsWithLibrdkafkasReason() async throws {
        let broker = try TestDevBroker(topics: ["small:2"])
        let producer = try producer(broker)
        await #expect {
            try await producer.send(ProducerRecord(topic: "small", partition: 7, key: nil, value: [1]))
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.code == .deliveryFailed && error.message.contains("UNKNOWN_PARTITION")
        }
        try producer.close()
    }

    /// A record enqueued without a completion (a stream thread's output) costs nothing when it arrives
    /// and leaves its failure for the next commit to find.
    @Test func aRecordEnqueuedWithoutACompletionKeepsItsFailureForTheCaller() throws {
        let broker = try TestDevBroker(topics: ["small:2"])
        let delivering = try producer(broker)
        try delivering.enqueueWaitingForRoom(ProducerRecord(topic: "small", partition: 1, key: nil, value: [1]))
        try delivering.flush()
        #expect(delivering.firstDeliveryFailure == nil)
        try delivering.close()
        // Enqueued before the producer knows the topic's partitions, so it fails at delivery.
        let failing = try producer(broker)
        try failing.enqueueWaitingForRoom(ProducerRecord(topic: "small", partition: 7, key: nil, value: [2]))
        try failing.enqueueWaitingForRoom(ProducerRecord(topic: "small", partition: 0, key: nil, value: [3]))
        try failing.flush()
        let failure = try #require(failing.firstDeliveryFailure)
        #expect(failure.code == .deliveryFailed)
        #expect(failure.protocolCode?.name == "_UNKNOWN_PARTITION")
        #expect(failure.topicPartition == TopicPartition("small", 7))
        try failing.close()
    }

    @Test func kcatAndTheEngineReadEachOthersRecords() async throws {
        let broker = try TestDevBroker(topics: ["from-kcat:3", "to-kcat:3"])
        let lines = (0..<50).map { "user-\($0):{\"event\":\"Product Viewed\",\"i\":\($0)}" }
        try runKcat(["-b", broker.bootstrapServers, "-t", "from-kcat", "-K:", "-P"], input: lines.joined(separator: "\n") + "\n")

        let received = try await consume(consumerConfiguration(broker, group: "kcat-reader"), topics: ["from-kcat"], count: 50)
        let receivedLines = received.map { String(decoding: $0.key ?? [], as: UTF8.self) + ":" + String(decoding: $0.value ?? [], as: UTF8.self) }
        #expect(receivedLines.sorted() == lines.sorted())

        let producer = try producer(broker)
        for record in received {
            try await producer.send(ProducerRecord(topic: "to-kcat", key: record.key, value: record.value))
        }
        try producer.close()
        let output = try runKcat(["-b", broker.bootstrapServers, "-t", "to-kcat", "-C", "-e", "-q", "-K:", "-f", "%k:%s\n"], input: nil)
        #expect(output.split(separator: "\n").map(String.init).sorted() == lines.sorted())
    }

    @Test(arguments: [KafkaConsumerConfiguration.RebalanceProtocol.eager, .cooperative])
    func aMemberLeavingHandsItsPartitionsOverAtTheCommittedOffsetsWithNoRecordSkipped(protocol rebalanceProtocol: KafkaConsumerConfiguration.RebalanceProtocol) async throws {
        let broker = try TestDevBroker(topics: ["shared:6"])
        let producer = try producer(broker)
        // Enough that the first member alone needs a minute (40 ms a record), so the second joins well
        // before the work runs out even on a loaded machine; the second is quicker (5 ms a record).
        let total = 1_500
        for i in 0..<total {
            producer.enqueueIgnoringResult(ProducerRecord(topic: "shared", key: Array("k\(i)".utf8), value: Array("\(i)".utf8)))
        }
        try producer.close()

        let log = ProcessedLog()
        let stopFirst = Atomic<Bool>(false)
        let configuration = {
            var configuration = consumerConfiguration(broker, group: "sharing-group")
            configuration.rebalanceProtocol = rebalanceProtocol
            return configuration
        }()
        let logger = logger
        // Each member processes slowly, so the two really share the work.
        // A member returns the offsets committed for the partitions it held when it left.
        let member: @Sendable (String, TimeInterval, @escaping @Sendable () -> Bool) throws -> [TopicPartition: Int64] = { name, delay, shouldStop in
            let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
            try consumer.subscribe(["shared"])
            // A member gives up after two minutes, so a failure fails the test instead of hanging it.
            // It leaves only while it holds partitions: on a loaded machine the group can move on
            // without a slow member, and the hand-over under test needs partitions to hand over.
            let deadline = ContinuousClock.now + .seconds(120)
            while !(shouldStop() && !consumer.assignment.isEmpty), ContinuousClock.now < deadline {
                for record in try consumer.poll(maxRecords: 5, timeout: .milliseconds(100)) {
                    log.append(member: name, record)
                    consumer.markProcessed(record)
                    Thread.sleep(forTimeInterval: delay)
                }
                try consumer.commit()
            }
            try consumer.commit()
            let committed = try consumer.committedOffsets(for: Array(consumer.assignment)).compactMapValues { $0 }
            try consumer.close()
            log.markLeft(name)
            return committed
        }
        async let first = onOwnThread { try member("first", 0.04) { stopFirst.load(ordering: .acquiring) } }
        // Also on a failed wait: the first member must stop for this scope to end.
        defer { stopFirst.store(true, ordering: .releasing) }
        try await waitUntil(timeout: .seconds(60)) { log.count(of: "first") > 0 }
        async let second = onOwnThread { try member("second", 0.005) { log.distinctCount >= total } }
        try await waitUntil(timeout: .seconds(60)) { log.count(of: "second") >= 20 }
        stopFirst.store(true, ordering: .releasing)
        let firstHeld = try await first
        let secondHeld = try await second

        #expect(log.distinctCount == total, "every record was processed: none skipped")
        #expect(secondHeld.count == 6, "the remaining member took over every partition")
        #expect(!firstHeld.isEmpty)
        // The other member continued each partition the leaving one held from exactly its committed offset.
        for (partition, committed) in firstHeld {
            let next = log.firstOffset(of: "second", in: partition.partition, afterLeaving: "first")
            #expect(next == nil || next == committed, "\(partition): committed \(committed), second member continued at \(String(describing: next))")
        }
    }

    @Test func anOutOfRangeCommittedOffsetStopsThePartitionByDefault() async throws {
        let broker = try TestDevBroker(topics: ["retained:2"])
        let producer = try producer(broker)
        for i in 0..<3 {
            try await producer.send(ProducerRecord(topic: "retained", partition: 0, key: nil, value: [UInt8(i)]))
            try await producer.send(ProducerRecord(topic: "retained", partition: 1, key: nil, value: [UInt8(i)]))
        }
        try producer.close()
        let gone = TopicPartition("retained", 0)
        let configuration = consumerConfiguration(broker, group: "out-of-range")
        let logger = logger
        // Commit a position far past what partition 0 holds, as after retention or a topic recreation.
        try await onOwnThread {
            let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
            try consumer.subscribe(["retained"])
            while consumer.assignment.isEmpty { _ = try consumer.poll(timeout: .milliseconds(100)) }
            consumer.markProcessed(gone, nextOffset: 1000)
            consumer.markProcessed(TopicPartition("retained", 1), nextOffset: 0)
            try consumer.commit()
            try consumer.close()
        }

        let (records, stopped) = try await onOwnThread {
            let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
            try consumer.subscribe(["retained"])
            var records: [ConsumerRecord] = []
            let deadline = ContinuousClock.now + .seconds(20)
            while (records.count < 3 || consumer.stoppedPartitions.isEmpty) && ContinuousClock.now < deadline {
                for record in try consumer.poll(timeout: .milliseconds(100)) {
                    records.append(record)
                    consumer.markProcessed(record)
                }
            }
            let stopped = consumer.stoppedPartitions
            try consumer.close()
            return (records, stopped)
        }
        #expect(Set(stopped.keys) == [gone])
        #expect(stopped[gone]?.code == .offsetOutOfRange)
        #expect(records.allSatisfy { $0.partition == 1 })
        #expect(records.count == 3)

        // Opting in to a reset reads the partition from its oldest record instead.
        var resetting = configuration
        resetting.offsetOutOfRange = .resetToEarliest
        let reread = try await consume(resetting, topics: ["retained"], count: 3)
        #expect(reread.map(\.value) == [[0], [1], [2]])
        #expect(reread.allSatisfy { $0.partition == 0 })
    }

    @Test func resumingAPausedPartitionContinuesExactlyWhereItStopped() async throws {
        let broker = try TestDevBroker(topics: ["pausing:1"])
        let producer = try producer(broker)
        for i in 0..<100 { producer.enqueueIgnoringResult(ProducerRecord(topic: "pausing", key: nil, value: Array("\(i)".utf8))) }
        try producer.flush()
        let configuration = consumerConfiguration(broker, group: "pauser")
        let logger = logger
        let offsets = try await onOwnThread {
            let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
            try consumer.subscribe(["pausing"])
            var offsets: [Int64] = []
            // Take a few, pause (librdkafka has already prefetched more), poll while paused, resume.
            while offsets.count < 10 { offsets += try consumer.poll(maxRecords: 10 - offsets.count, timeout: .milliseconds(100)).map(\.offset) }
            let partition = TopicPartition("pausing", 0)
            try consumer.pause([partition])
            for _ in 0..<5 { offsets += try consumer.poll(timeout: .milliseconds(100)).map(\.offset) }
            let whilePaused = offsets.count
            try consumer.resume([partition])
            let deadline = ContinuousClock.now + .seconds(20)
            while offsets.count < 100, ContinuousClock.now < deadline { offsets += try consumer.poll(timeout: .milliseconds(100)).map(\.offset) }
            try consumer.close()
            return (offsets, whilePaused)
        }
        #expect(offsets.1 == 10, "no record is handed out while paused")
        #expect(offsets.0 == Array(0..<100))
        try producer.close()
    }

    @Test func topicCreationFallsBackClearlyWhereTheBrokerHasNoAdminAPI() async throws {
        let broker = try TestDevBroker(topics: ["existing:5"])
        let admin = try KafkaAdminClient(bootstrapServers: broker.bootstrapServers, logger: logger)
        #expect(try admin.partitionCounts()["existing"] == 5)
        let outcomes = try admin.createTopics([.init(name: "wanted", partitions: 3)], timeout: .seconds(2))
        guard case .notServedByBroker(let reason) = outcomes["wanted"] else {
            Issue.record("expected the mock broker to refuse CreateTopics, got \(String(describing: outcomes["wanted"]))")
            return
        }
        #expect(reason.contains("CreateTopics"))
        // Asking for metadata of all topics never auto-creates the missing one.
        #expect(try admin.partitionCounts()["wanted"] == nil)
    }

    @Test func anUnknownPropertyIsAConfigurationError() throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.additionalProperties["no.such.property"] = "1"
        #expect {
            _ = try KafkaProducer(configuration: configuration, logger: logger)
        } throws: { ($0 as? KafkaError)?.code == .invalidConfiguration && "\($0)".contains("no.such.property") }
    }
}

/// Which member processed which record, in processing order, shared by the members' threads.
private final class ProcessedLog: Sendable {
    private enum Entry: Hashable {
        case processed(member: String, partition: Int32, offset: Int64)
        case left(member: String)
    }

    private let entries = Mutex<[Entry]>([])

    func append(member: String, _ record: ConsumerRecord) {
        entries.withLock { $0.append(.processed(member: member, partition: record.partition, offset: record.offset)) }
    }

    func markLeft(_ member: String) { entries.withLock { $0.append(.left(member: member)) } }

    private var processed: [(member: String, partition: Int32, offset: Int64)] {
        entries.withLock { $0.compactMap { if case .processed(let m, let p, let o) = $0 { (m, p, o) } else { nil } } }
    }

    func count(of member: String) -> Int { processed.filter { $0.member == member }.count }
    var distinctCount: Int { Set(processed.map { [Int64($0.partition), $0.offset] }).count }

    /// The first offset `member` processed in `partition` after `other` left the group.
    func firstOffset(of member: String, in partition: Int32, afterLeaving other: String) -> Int64? {
        let all = entries.withLock { $0 }
        guard let leftAt = all.firstIndex(of: .left(member: other)) else { return nil }
        for entry in all[leftAt...] {
            if case .processed(member, partition, let offset) = entry { return offset }
        }
        return nil
    }
}

extension KafkaProducer {
    /// Enqueues a record whose delivery the test checks later by reading the topic.
    func enqueueIgnoringResult(_ record: ProducerRecord) {
        do { try enqueue(record) { _ in } } catch { Issue.record("enqueue failed: \(error)") }
    }
}

/// Runs kcat (Debian's Kafka command-line client) and returns its standard output.
@discardableResult
private func runKcat(_ arguments: [String], input: String?) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/kcat")
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    let inputPipe = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
    try process.run()
    if let input {
        inputPipe.fileHandleForWriting.write(Data(input.utf8))
        try inputPipe.fileHandleForWriting.close()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        throw TestFailure("kcat \(arguments) exited \(process.terminationStatus): \(message)")
    }
    return String(decoding: data, as: UTF8.self)
}

@Suite("Topic setup against runner dev-broker")
struct TopicSetupTests {
    @Test func existingTopicsAreReportedWithPartitionMismatchesAndMissingOnesAsUncreatableHere() async throws {
        var logger = Logger(label: "topic-setup-test")
        logger.logLevel = .critical
        let broker = try TestDevBroker(topics: ["exact:3", "other:2"])
        let admin = try KafkaAdminClient(bootstrapServers: broker.bootstrapServers, logger: logger)
        let report = try TopicSetup.ensure(["exact": 3, "other": 6], admin: admin, logger: logger)
        #expect(report.existing == ["exact", "other"])
        #expect(report.partitionMismatches.map(\.topic) == ["other"])
        #expect(report.partitionMismatches.first?.existing == 2 && report.partitionMismatches.first?.declared == 6)
        #expect(report.created.isEmpty && report.uncreatable.isEmpty, "nothing missing: CreateTopics is never sent")

        let withMissing = try TopicSetup.ensure(["exact": 3, "absent": 4], admin: admin, creationTimeout: .seconds(2), logger: logger)
        #expect(withMissing.uncreatable.map(\.topic) == ["absent"], "the dev broker has no Admin API")
    }
}
