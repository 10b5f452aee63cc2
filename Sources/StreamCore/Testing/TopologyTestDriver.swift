import Foundation

/// Runs a topology in-process, without a broker: each input goes through the same ``RecordProcessor``
/// and the same RocksDB-backed stores as under `runner run`, and records written to repartition and
/// feedback topics are fed straight back in (feedback records are also returned as written), and records
/// written to a global table's topic update that table, so a test sees what the topology would write (Kafka Streams'
/// `TopologyTestDriver`).
///
/// Every topic has `partitions` partitions, and a keyed record goes to the partition its key hashes to
/// (murmur2, as the producers and a cluster place it; a null key to partition 0), so each partition
/// number of a sub-topology is a task with its own stores and stream time, as on a cluster: a missing
/// repartition or a co-partitioning mistake shows as a wrong result. With one partition (the default),
/// one task per sub-topology sees everything, as Kafka Streams' driver does.
///
/// - Important: Not thread-safe; one test drives one driver.
public final class TopologyTestDriver {
    public let topology: Topology
    private let processor: RecordProcessor
    public let partitions: Int
    private var states: [TaskID: TaskState] = [:]
    private var globalStores: [String: KeyValueStore] = [:]
    private var nextOffsets: [TopicPartition: Int64] = [:]
    private let repartitionTopics: Set<String>
    private let feedbackTopics: Set<String>

    /// Opens every store of the topology under `stateDirectory` (which should be empty: a test starts
    /// from no state).
    public init(topology: Topology, stateDirectory: String, partitions: Int = 1) throws {
        precondition(partitions > 0, "a topic has at least one partition")
        self.topology = topology
        self.partitions = partitions
        processor = RecordProcessor(topology: topology)
        repartitionTopics = Set(topology.repartitionTopics)
        feedbackTopics = Set(topology.feedbackTopics)
        for table in topology.globalTables {
            let directory = URL(fileURLWithPath: stateDirectory).appendingPathComponent("global").appendingPathComponent(table.store).path
            globalStores[table.store] = try KeyValueStore(name: table.store, directory: directory, changelog: TopicPartition(table.topic, 0))
        }
        for subtopology in topology.subtopologies {
            for partition in 0..<Int32(partitions) {
                let task = TaskID(subtopology: subtopology.id, partition: partition)
                var stores: [String: KeyValueStore] = [:]
                for name in subtopology.stores {
                    let directory = URL(fileURLWithPath: stateDirectory).appendingPathComponent(task.description).appendingPathComponent(name).path
                    stores[name] = try KeyValueStore(name: name, directory: directory, changelog: TopicPartition(topology.changelogTopic(of: name), partition))
                }
                states[task] = TaskState(stores: stores, globalStores: globalStores)
            }
        }
    }

    /// Processes one record written to `topic` and returns what the topology writes to its output and
    /// dead-letter topics in consequence, in order.
    public func pipe(topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [], timestamp: Int64) -> [ProducerRecord] {
        if updateGlobalTable(topic: topic, key: key, value: value) { return [] }
        var pending = [record(topic: topic, key: key, value: value, headers: headers, timestamp: timestamp)]
        var written: [ProducerRecord] = []
        while !pending.isEmpty {
            let input = pending.removeFirst()
            let state = topology.subtopology(reading: input.topic).flatMap { states[TaskID(subtopology: $0.id, partition: input.partition)] } ?? TaskState()
            let outputs: [ProducerRecord]
            switch processor.process(input, state: state) {
            case .outputs(let records): outputs = records
            case .deadLetter(let record, _): outputs = [record]
            }
            for output in outputs {
                updateGlobalTable(topic: output.topic, key: output.key, value: output.value)
                if repartitionTopics.contains(output.topic) || feedbackTopics.contains(output.topic) {
                    pending.append(record(
                        topic: output.topic, partition: output.partition, key: output.key, value: output.value, headers: output.headers,
                        timestamp: output.timestamp ?? timestamp))
                }
                if !repartitionTopics.contains(output.topic) {
                    written.append(output)
                }
            }
        }
        return written
    }

    /// How far ahead of the driver's wall clock an event time may be before its record is dead-lettered,
    /// as under `runner run`; `nil` (the default) accepts any, since a test's times are its own.
    public var maximumEventTimeSkew: Int64? {
        get { processor.maximumEventTimeSkew }
        set { processor.maximumEventTimeSkew = newValue }
    }

    /// Sets the wall clock that wall-clock timers see (epoch milliseconds) and fires those now due;
    /// returns what they write. Until first called, the driver uses the machine's clock.
    public func advanceWallClock(to now: Int64) -> [ProducerRecord] {
        processor.wallClock = { now }
        var written: [ProducerRecord] = []
        for (task, state) in states.sorted(by: { $0.key < $1.key }) {
            guard case .success(let outputs) = processor.punctuate(state, now: now, task: task) else { continue }
            for output in outputs {
                updateGlobalTable(topic: output.topic, key: output.key, value: output.value)
                if repartitionTopics.contains(output.topic) || feedbackTopics.contains(output.topic) {
                    written += pipe(topic: output.topic, key: output.key, value: output.value, headers: output.headers, timestamp: output.timestamp ?? now)
                }
                if !repartitionTopics.contains(output.topic) {
                    written.append(output)
                }
            }
        }
        return written
    }

    /// Applies a record written to a global table's topic to its store, as every instance's global
    /// table follows its topic (the topology's own outputs included); false for other topics.
    @discardableResult
    private func updateGlobalTable(topic: String, key: [UInt8]?, value: [UInt8]?) -> Bool {
        guard let table = topology.globalTables.first(where: { $0.topic == topic }), let store = globalStores[table.store] else { return false }
        table.apply(key: key, value: value, to: store)
        return true
    }

    /// The value `key` holds in the key-value store `store`, read from the task its key hashes to, as a
    /// query would answer it (Kafka Streams' `TopologyTestDriver#getKeyValueStore`); nil when absent.
    /// Stored values carry their timestamp (``StoredValue``).
    public func storeValue(of key: [UInt8], in store: String) throws -> [UInt8]? {
        guard let subtopology = topology.subtopologies.first(where: { $0.stores.contains(store) }) else { throw QueryableStores.UnknownStore(name: store) }
        let task = TaskID(subtopology: subtopology.id, partition: KeyPartitioner.partition(of: key, partitions: partitions))
        return try states[task]?.stores[store]?.get(key)
    }

    public func close() {
        for state in states.values { state.stores.values.forEach { $0.close() } }
        globalStores.values.forEach { $0.close() }
    }

    /// The record as read from `topic`: in `partition` if the writer chose one, else where its key hashes
    /// to, at that partition's next offset.
    private func record(topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader], timestamp: Int64) -> ConsumerRecord {
        let partition = partition ?? key.map { KeyPartitioner.partition(of: $0, partitions: partitions) } ?? 0
        let position = TopicPartition(topic, partition)
        let offset = nextOffsets[position, default: 0]
        nextOffsets[position] = offset + 1
        return ConsumerRecord(topic: topic, partition: partition, offset: offset, key: key, value: value, headers: headers, timestamp: timestamp)
    }
}
