import Foundation

/// Runs a topology in-process, without a broker: each input goes through the same ``RecordProcessor``
/// and the same RocksDB-backed stores as under `runner run`, and records written to repartition and
/// feedback topics are fed straight back in (feedback records are also returned as written), and records
/// written to a global table's topic update that table, so a test sees what the topology would write (Kafka Streams'
/// `TopologyTestDriver`). All records use partition 0: one task per sub-topology.
///
/// - Important: Not thread-safe; one test drives one driver.
public final class TopologyTestDriver {
    public let topology: Topology
    private let processor: RecordProcessor
    private var states: [Int: TaskState] = [:]
    private var globalStores: [String: KeyValueStore] = [:]
    private var nextOffsets: [String: Int64] = [:]
    private let repartitionTopics: Set<String>
    private let feedbackTopics: Set<String>

    /// Opens every store of the topology under `stateDirectory` (which should be empty: a test starts
    /// from no state).
    public init(topology: Topology, stateDirectory: String) throws {
        self.topology = topology
        processor = RecordProcessor(topology: topology)
        repartitionTopics = Set(topology.repartitionTopics)
        feedbackTopics = Set(topology.feedbackTopics)
        for table in topology.globalTables {
            let directory = URL(fileURLWithPath: stateDirectory).appendingPathComponent("global").appendingPathComponent(table.store).path
            globalStores[table.store] = try KeyValueStore(name: table.store, directory: directory, changelog: TopicPartition(table.topic, 0))
        }
        for subtopology in topology.subtopologies {
            let task = TaskID(subtopology: subtopology.id, partition: 0)
            var stores: [String: KeyValueStore] = [:]
            for name in subtopology.stores {
                let directory = URL(fileURLWithPath: stateDirectory).appendingPathComponent(task.description).appendingPathComponent(name).path
                stores[name] = try KeyValueStore(name: name, directory: directory, changelog: TopicPartition(topology.changelogTopic(of: name), 0))
            }
            states[subtopology.id] = TaskState(stores: stores, globalStores: globalStores)
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
            let state = topology.subtopology(reading: input.topic).flatMap { states[$0.id] } ?? TaskState()
            let outputs: [ProducerRecord]
            switch processor.process(input, state: state) {
            case .outputs(let records): outputs = records
            case .deadLetter(let record, _): outputs = [record]
            }
            for output in outputs {
                updateGlobalTable(topic: output.topic, key: output.key, value: output.value)
                if repartitionTopics.contains(output.topic) || feedbackTopics.contains(output.topic) {
                    pending.append(record(topic: output.topic, key: output.key, value: output.value, headers: output.headers, timestamp: output.timestamp ?? timestamp))
                }
                if !repartitionTopics.contains(output.topic) {
                    written.append(output)
                }
            }
        }
        return written
    }

    /// Sets the wall clock that wall-clock timers see (epoch milliseconds) and fires those now due;
    /// returns what they write. Until first called, the driver uses the machine's clock.
    public func advanceWallClock(to now: Int64) -> [ProducerRecord] {
        processor.wallClock = { now }
        var written: [ProducerRecord] = []
        for subtopology in topology.subtopologies {
            guard let state = states[subtopology.id], case .success(let outputs) = processor.punctuate(state, now: now, task: TaskID(subtopology: subtopology.id, partition: 0)) else { continue }
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

    public func close() {
        for state in states.values { state.stores.values.forEach { $0.close() } }
        globalStores.values.forEach { $0.close() }
    }

    private func record(topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader], timestamp: Int64) -> ConsumerRecord {
        let offset = nextOffsets[topic, default: 0]
        nextOffsets[topic] = offset + 1
        return ConsumerRecord(topic: topic, partition: 0, offset: offset, key: key, value: value, headers: headers, timestamp: timestamp)
    }
}
