import Foundation
import Logging

/// Keeps a global table's store in step with its topic: every partition is read, outside the
/// consumer group, from the beginning when the application starts (the store is rebuilt, not
/// restored: the topic is its changelog), and then followed between polls of the group consumer.
///
/// The stream thread keeps the copy (Kafka Streams has one global thread per instance); `runner run`
/// refuses more than one thread for a topology with global tables, whose copies would drift apart.
///
/// - Important: Not thread-safe: the stream thread that owns it makes every call.
final class GlobalTableUpdater {
    let table: GlobalTable
    let store: KeyValueStore
    private let consumer: KafkaConsumer
    private let logger: Logger

    /// Opens the store under `<state-dir>/<application-id>/global/<thread>/<store>`, emptied.
    init(_ table: GlobalTable, topology: Topology, configuration: StreamsConfiguration, thread: String, logger: Logger) throws {
        self.table = table
        self.logger = logger
        let directory = URL(fileURLWithPath: configuration.stateDirectory).appendingPathComponent(topology.applicationID)
            .appendingPathComponent("global").appendingPathComponent(thread).appendingPathComponent(table.store).path
        store = try KeyValueStore(name: table.store, directory: directory, changelog: TopicPartition(table.topic, 0), options: configuration.storeOptions)
        try store.wipe()
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: configuration.bootstrapServers, groupID: "\(topology.applicationID)-global-\(table.store)")
        consumerConfiguration.readCommitted = false
        consumerConfiguration.additionalProperties = configuration.consumerProperties
        consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
    }

    /// Reads the whole topic, to the high watermark of every partition as of now.
    func bootstrap(admin counts: [String: Int]) throws {
        let partitions = (0..<Int32(counts[table.topic] ?? 0)).map { TopicPartition(table.topic, $0) }
        if partitions.isEmpty { logger.warning("the global table's topic does not exist (yet): the table stays empty", metadata: ["topic": "\(table.topic)"]) }
        var ends: [TopicPartition: Int64] = [:]
        var starts: [TopicPartition: Int64] = [:]
        for partition in partitions {
            let (low, high) = try consumer.watermarks(of: partition)
            starts[partition] = low
            if high > low { ends[partition] = high }
        }
        try consumer.assign(starts)
        var applied = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while !ends.isEmpty, ContinuousClock.now < deadline {
            for record in try consumer.poll(maxRecords: 10_000, timeout: .milliseconds(200)) {
                table.apply(key: record.key, value: record.value, to: store)
                applied += 1
                if let end = ends[record.topicPartition], record.offset + 1 >= end { ends[record.topicPartition] = nil }
            }
        }
        try store.flushLocally()
        logger.info("global table loaded", metadata: ["topic": "\(table.topic)", "store": "\(table.store)", "records": "\(applied)"])
    }

    /// Applies what arrived since the last call, without waiting, and writes it to RocksDB at once:
    /// the topic is the changelog, so there is nothing to wait for, and interactive queries (which read
    /// RocksDB) see the update.
    func update() throws {
        for record in try consumer.poll(maxRecords: 10_000, timeout: .zero) {
            table.apply(key: record.key, value: record.value, to: store)
        }
        if store.dirtyCount > 0 { try store.flushLocally() }
    }

    func close() {
        try? consumer.close()
        store.close()
    }
}
