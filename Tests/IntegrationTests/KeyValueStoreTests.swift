import Foundation
import Logging
import StreamCore
import Testing
import TributaryTestSupport

/// State stores with changelogs against a real Kafka-protocol broker, in this process: flush,
/// checkpoint, restore.
@Suite("Key-value store and changelog restore")
struct KeyValueStoreTests {
    private let logger: Logger = {
        var logger = Logger(label: "store-test")
        logger.logLevel = .warning
        return logger
    }()
    private let changelog = TopicPartition("app-counts-changelog", 1)

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A dev broker in this process (librdkafka's mock cluster) holding the changelog: stores and
    /// restores need a Kafka-protocol cluster, not a `runner` process. It stops when dropped.
    private func inProcessBroker() throws -> DevBroker {
        try DevBroker(configuration: .init(topics: [.init(name: changelog.topic, partitions: 2)]), logger: logger)
    }

    @Test func aHotKeyCostsOneChangelogRecordPerFlush() async throws {
        let broker = try inProcessBroker()
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: broker.bootstrapServers), logger: logger)
        let directory = TemporaryDirectory("tributary-state")
        let store = try KeyValueStore(name: "counts", directory: directory.path, changelog: changelog)
        for count in 1...100 { store.put(bytes("P7"), bytes(String(count))) }
        store.put(bytes("P8"), bytes("1"))
        store.delete(bytes("P8"))
        #expect(store.dirtyCount == 2)
        let checkpoint = TaskCheckpoint(applied: [TopicPartition("in", 1): OriginPosition(offset: 100)], streamTimes: ["window": 42])
        try store.flush(to: producer, checkpoint: checkpoint)
        try store.flush(to: producer, checkpoint: checkpoint)   // nothing changed: nothing written
        try producer.close()

        let records = try await TopicReader.read([changelog.topic], bootstrapServers: broker.bootstrapServers, timeout: .seconds(20)) { $0.values.joined().count >= 3 }
        let written = records[changelog.topic, default: []]
        #expect(written.count == 3 && written.allSatisfy { $0.partition == 1 }, "two entries, then the checkpoint record")
        #expect(written.last?.headers.contains { $0.name == KeyValueStore.checkpointHeader } == true)
        #expect(written.first { $0.key == bytes("P7") }?.value == bytes("100"))
        #expect(written.first { $0.key == bytes("P8") }.map { $0.value == nil } == true, "a delete is a tombstone")
        #expect(try store.changelogOffset == 3)
        #expect(try store.taskCheckpoint == checkpoint)
        #expect(try store.get(bytes("P7")) == bytes("100"))
    }

    @Test func aStoreRebuildsFromItsChangelogWhenItsDirectoryIsGone() async throws {
        let broker = try inProcessBroker()
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: broker.bootstrapServers), logger: logger)
        var expected: [String: String] = [:]
        do {
            let directory = TemporaryDirectory("tributary-state")
            let store = try KeyValueStore(name: "counts", directory: directory.path, changelog: changelog)
            for round in 0..<3 {
                for key in 0..<50 where (key + round) % 3 != 0 {
                    store.put(bytes("k\(key)"), bytes("v\(round)"))
                    expected["k\(key)"] = "v\(round)"
                }
                store.delete(bytes("k\(round)"))
                expected["k\(round)"] = nil
                try store.flush(to: producer, checkpoint: TaskCheckpoint(applied: [TopicPartition("in", 0): OriginPosition(offset: Int64(round))]))
            }
            store.close()
        }
        try producer.close()

        let fresh = TemporaryDirectory("tributary-state")
        let rebuilt = try KeyValueStore(name: "counts", directory: fresh.path, changelog: changelog)
        #expect(try rebuilt.changelogOffset == nil)
        let applied = try ChangelogRestorer.restore(rebuilt, bootstrapServers: broker.bootstrapServers, logger: logger)
        #expect(applied > 0)
        let restored = Dictionary(uniqueKeysWithValues: try rebuilt.entries().map { (String(decoding: $0.key, as: UTF8.self), String(decoding: $0.value, as: UTF8.self)) })
        #expect(restored == expected)
        #expect(try rebuilt.taskCheckpoint == TaskCheckpoint(applied: [TopicPartition("in", 0): OriginPosition(offset: 2)]), "the last checkpoint comes back with the data")
    }

    /// A thread restores the stores of all the tasks it is assigned with one consumer: each store gets
    /// its own partition's records, from its own checkpoint on, and one already up to date reads nothing.
    @Test func storesOfSeveralPartitionsRestoreTogetherEachFromItsOwnCheckpoint() async throws {
        let broker = try DevBroker(configuration: .init(topics: [.init(name: changelog.topic, partitions: 3)]), logger: logger)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: broker.bootstrapServers), logger: logger)
        let partitions = (0..<3).map { TopicPartition(changelog.topic, Int32($0)) }
        var expected: [[String: String]] = [[:], [:], [:]]
        let directories = (0..<3).map { _ in TemporaryDirectory("tributary-state") }
        // Partition 0 is written before its store's checkpoint and after; 1 only before; 2 only by another owner.
        for (index, partition) in partitions.enumerated() where index < 2 {
            let store = try KeyValueStore(name: "counts", directory: directories[index].path, changelog: partition)
            for key in 0..<(100 * (index + 1)) {
                store.put(bytes("p\(index)-k\(key)"), bytes("old"))
                expected[index]["p\(index)-k\(key)"] = "old"
            }
            try store.flush(to: producer, checkpoint: TaskCheckpoint())
            store.close()
        }
        for (index, key) in [(0, "p0-k1"), (0, "p0-new"), (2, "p2-k0"), (2, "p2-k1")] {
            try await producer.send(ProducerRecord(topic: changelog.topic, partition: partitions[index].partition, key: bytes(key), value: bytes("new")))
            expected[index][key] = "new"
        }
        try producer.close()

        let stores = try partitions.enumerated().map { try KeyValueStore(name: "counts", directory: directories[$0.offset].path, changelog: $0.element) }
        let applied = try ChangelogRestorer.restore(stores, bootstrapServers: broker.bootstrapServers, logger: logger)
        #expect(applied == [2, 0, 2], "each store reads only its partition's tail after its checkpoint")
        for (index, store) in stores.enumerated() {
            let restored = Dictionary(uniqueKeysWithValues: try store.entries().map { (String(decoding: $0.key, as: UTF8.self), String(decoding: $0.value, as: UTF8.self)) })
            #expect(restored == expected[index], "partition \(index)")
            #expect(try store.changelogOffset == [103, 201, 2][index], "partition \(index): its entries, a checkpoint record where flushed, the other owner's")
        }
    }

    @Test func aReopenedStoreAppliesOnlyTheChangelogTailAfterItsCheckpoint() async throws {
        let broker = try inProcessBroker()
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: broker.bootstrapServers), logger: logger)
        let directory = TemporaryDirectory("tributary-state")
        do {
            let store = try KeyValueStore(name: "counts", directory: directory.path, changelog: changelog)
            store.put(bytes("a"), bytes("1"))
            store.put(bytes("b"), bytes("1"))
            try store.flush(to: producer, checkpoint: TaskCheckpoint())
            store.close()
        }
        // Another instance owned the task meanwhile and wrote on.
        for (key, value) in [("a", "2"), ("c", "1")] {
            try await producer.send(ProducerRecord(topic: changelog.topic, partition: changelog.partition, key: bytes(key), value: bytes(value)))
        }
        try await producer.send(ProducerRecord(topic: changelog.topic, partition: changelog.partition, key: bytes("b"), value: nil))
        try producer.close()

        let reopened = try KeyValueStore(name: "counts", directory: directory.path, changelog: changelog)
        #expect(try reopened.changelogOffset == 3, "two entries and a checkpoint record")
        #expect(try ChangelogRestorer.restore(reopened, bootstrapServers: broker.bootstrapServers, logger: logger) == 3)
        #expect(try reopened.get(bytes("a")) == bytes("2"))
        #expect(try reopened.get(bytes("b")) == nil)
        #expect(try reopened.get(bytes("c")) == bytes("1"))
        #expect(try reopened.changelogOffset == 6)
    }

    @Test func localStateAheadOfItsChangelogIsDiscardedAndRebuilt() async throws {
        let directory = TemporaryDirectory("tributary-state")
        do {
            let first = try inProcessBroker()
            let producer = try KafkaProducer(configuration: .init(bootstrapServers: first.bootstrapServers), logger: logger)
            let store = try KeyValueStore(name: "counts", directory: directory.path, changelog: changelog)
            store.put(bytes("stale"), bytes("1"))
            try store.flush(to: producer, checkpoint: TaskCheckpoint(applied: [TopicPartition("in", 1): OriginPosition(offset: 9)]))
            try producer.close()
            store.close()
        }
        // Another cluster (or a recreated topic): its changelog holds one record, the local state claims two.
        let second = try inProcessBroker()
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: second.bootstrapServers), logger: logger)
        try await producer.send(ProducerRecord(topic: changelog.topic, partition: changelog.partition, key: bytes("fresh"), value: bytes("2")))
        try producer.close()
        let reopened = try KeyValueStore(name: "counts", directory: directory.path, changelog: changelog)
        #expect(try ChangelogRestorer.restore(reopened, bootstrapServers: second.bootstrapServers, logger: logger) == 1)
        #expect(try reopened.entries().map { String(decoding: $0.key, as: UTF8.self) } == ["fresh"])
        #expect(try reopened.taskCheckpoint == nil, "the stale checkpoint went with the stale state")
        #expect(try reopened.changelogOffset == 1)
    }

    @Test func aChangelogTruncatedByRetentionIsALoudErrorNotAPartialStore() async throws {
        let broker = try inProcessBroker()
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: broker.bootstrapServers), logger: logger)
        // The dev broker keeps about 5 MB per partition: 8 MB pushes the oldest records out.
        let value = [UInt8](repeating: 0x61, count: 1024)
        for index in 0..<8_000 {
            try producer.enqueueWaitingForRoom(ProducerRecord(topic: changelog.topic, partition: changelog.partition, key: bytes("k\(index)"), value: value)) { _ in }
        }
        try producer.close()
        let fresh = TemporaryDirectory("tributary-state")
        let store = try KeyValueStore(name: "counts", directory: fresh.path, changelog: changelog)
        #expect {
            try ChangelogRestorer.restore(store, bootstrapServers: broker.bootstrapServers, logger: logger)
        } throws: { error in
            "\(error)".contains("retention removed records")
        }
    }
}
