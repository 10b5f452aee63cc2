import Logging

/// Warm copies of other instances' task state: the stores of each standby task are kept where the task
/// itself would keep them and follow their changelogs, so that when the task fails over to this
/// instance its restore replays only the changelog's newest records instead of all of them.
///
/// A standby store is only ever written from its changelog (never processed into), and is closed
/// before its task opens here.
///
/// - Important: Not thread-safe: ``InstanceTasks`` makes every call, under its lock.
final class StandbyTasks {
    private let topology: Topology
    private let configuration: StreamsConfiguration
    private let logger: Logger
    private let consumer: KafkaConsumer
    private var stores: [TaskID: [KeyValueStore]] = [:]
    private var storeByChangelog: [TopicPartition: KeyValueStore] = [:]

    init(topology: Topology, configuration: StreamsConfiguration, logger: Logger) throws(KafkaError) {
        self.topology = topology
        self.configuration = configuration
        self.logger = logger
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: configuration.bootstrapServers, groupID: "\(topology.applicationID)-standby")
        consumerConfiguration.readCommitted = configuration.readsChangelogsCommitted
        // A changelog position gone from the broker stops that partition: the copy is left behind, and
        // the restore that activates the task decides (it never serves a partial store).
        consumerConfiguration.offsetOutOfRange = .fail
        consumerConfiguration.additionalProperties = configuration.consumerProperties
        consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
    }

    /// The standby tasks held now.
    var ids: Set<TaskID> { Set(stores.keys) }

    /// Keeps exactly `wanted` (tasks with stores that are not active here), opening and closing copies.
    func keep(_ wanted: Set<TaskID>) throws {
        let wanted = wanted.filter { !topology.subtopologies[$0.subtopology].stores.isEmpty }
        guard wanted != ids else { return }
        release(ids.subtracting(wanted))
        for id in wanted.subtracting(ids).sorted() {
            stores[id] = try topology.subtopologies[id.subtopology].stores.map { name in
                try StreamTask.openStore(name, of: id, topology: topology, configuration: configuration)
            }
            logger.info("standby task opened", metadata: ["task": "\(id)"])
        }
        storeByChangelog = Dictionary(uniqueKeysWithValues: stores.values.joined().map { ($0.changelog, $0) })
        var starts: [TopicPartition: Int64] = [:]
        for (changelog, store) in storeByChangelog { starts[changelog] = try store.changelogOffset ?? 0 }
        try consumer.assign(starts)
    }

    /// Applies what the changelogs received since the last call, without waiting.
    func update() throws {
        guard !stores.isEmpty else { return }
        let records = try consumer.poll(maxRecords: 10_000, timeout: .zero)
        for (changelog, records) in Dictionary(grouping: records, by: \.topicPartition) {
            guard let store = storeByChangelog[changelog], let last = records.last else { continue }
            try store.applyChangelog(records[...], through: last.offset + 1)
        }
    }

    /// Closes the copies of `ids` (their tasks are about to open here, or they are no longer wanted).
    func release(_ ids: Set<TaskID>) {
        for id in ids {
            guard let closing = stores.removeValue(forKey: id) else { continue }
            for store in closing {
                storeByChangelog[store.changelog] = nil
                store.close()
            }
            logger.info("standby task closed", metadata: ["task": "\(id)"])
        }
    }

    func close() {
        release(ids)
        try? consumer.close()
    }
}
