import Foundation
import Logging
import Synchronization

/// One task: a sub-topology applied to one partition number of its source topics, with that
/// partition's state stores under `<state-dir>/<application-id>/<task>/<store>`.
///
/// A task skips the records its state already reflects (``TaskCheckpoint``): records read again after
/// a restart, and records an upstream task re-produced into a repartition topic after a crash, which
/// carry the same origin as the first copy (feedback topics alike). That is what keeps state exact under at-least-once.
///
/// - Important: Not thread-safe: the stream thread that owns the task makes every call.
final class StreamTask {
    let id: TaskID
    let state: TaskState
    /// Repartition and feedback topics: their records are recognised by origin.
    private let topicsCarryingOrigin: Set<String>
    private let feedbackTopics: Set<String>
    private let logger: Logger
    /// What the task's local state reflects (the last flush written locally): where an aborted
    /// transaction rolls its checkpoint back to.
    private var committedCheckpoint: TaskCheckpoint

    /// Opens the stores of every task in `ids`, not yet restored: ``TaskManager`` restores the stores of
    /// every task it opens together (``ChangelogRestorer``), then makes the tasks from them.
    ///
    /// The databases open as many at a time as there are cores: RocksDB creates and syncs several files
    /// for each, and a thread assigned 16 tasks spent a fifth of its restore opening them one by one.
    ///
    /// - Throws: ``RocksDBError`` when a store cannot be opened (one of the errors, when several could
    ///   not); every store opened is closed then.
    static func openStores(of ids: [TaskID], topology: Topology, configuration: StreamsConfiguration) throws(RocksDBError) -> [TaskID: [String: KeyValueStore]] {
        let wanted = ids.flatMap { id in topology.subtopologies[id.subtopology].stores.map { (id: id, name: $0) } }
        let opened = Mutex<[Int: Result<RocksDBDatabase, RocksDBError>]>([:])
        DispatchQueue.concurrentPerform(iterations: wanted.count) { index in
            let directory = storeDirectory(wanted[index].name, of: wanted[index].id, topology: topology, configuration: configuration)
            let result = Result { () throws(RocksDBError) in try KeyValueStore.openDatabase(in: directory, options: configuration.storeOptions) }
            opened.withLock { $0[index] = result }
        }
        let databases = opened.withLock { $0 }
        if let failure = databases.values.lazy.compactMap({ result -> RocksDBError? in
            if case .failure(let error) = result { error } else { nil }
        }).first {
            for case .success(let database) in databases.values { database.close() }
            throw failure
        }
        var stores = Dictionary(uniqueKeysWithValues: ids.map { ($0, [String: KeyValueStore]()) })
        for (index, store) in wanted.enumerated() {
            guard case .success(let database) = databases[index]! else { continue }
            stores[store.id, default: [:]][store.name] = KeyValueStore(
                name: store.name, changelog: TopicPartition(topology.changelogTopic(of: store.name), store.id.partition), database: database)
        }
        return stores
    }

    /// Makes task `id` from its stores, opened with ``openStores(of:topology:configuration:)`` and
    /// restored; the caller closes them if this throws.
    ///
    /// - Throws: ``StateStoreError`` when a store holds state of a topology this one no longer matches.
    init(id: TaskID, stores: [String: KeyValueStore], topology: Topology, globalStores: [String: KeyValueStore] = [:], logger: Logger) throws {
        self.id = id
        self.logger = logger
        topicsCarryingOrigin = topology.topicsCarryingOrigin
        feedbackTopics = Set(topology.feedbackTopics)
        for name in stores.keys.sorted() {
            try Self.check(stores[name]!, against: StoreLineage(of: name, in: topology), application: topology.applicationID)
        }
        // Stores flush one after another: after a crash between two flushes, the one behind decides, so
        // no input is skipped that a store has not applied.
        let checkpoints = try stores.keys.sorted().compactMap { try stores[$0]!.taskCheckpoint }
        let checkpoint = checkpoints.min { Self.isBehind($0, $1) } ?? TaskCheckpoint()
        if Set(checkpoints).count > 1 {
            logger.warning("the task's stores reflect different inputs (a crash between two flushes); resuming from the earliest", metadata: ["task": "\(id)"])
        }
        state = TaskState(stores: stores, globalStores: globalStores, checkpoint: checkpoint)
        committedCheckpoint = checkpoint
        if !stores.isEmpty {
            logger.info("task opened", metadata: ["task": "\(id)", "stores": "\(stores.keys.sorted().joined(separator: ","))", "applied": "\(checkpoint.applied)"])
        }
    }

    /// Processes `input` unless the task's state already reflects it.
    ///
    /// - Returns: `nil` for a record skipped as already applied.
    func process(_ decoded: DecodedInput, with processor: RecordProcessor) -> RecordProcessor.Outcome? {
        let input = decoded.record
        var origin = (partition: TopicPartition(input.topic, input.partition), position: OriginPosition(offset: input.offset))
        if topicsCarryingOrigin.contains(input.topic), let upstream = OriginHeaders.position(in: input.headers) {
            origin = upstream
            if feedbackTopics.contains(input.topic) {
                // A feedback record's origin may be a partition this very task reads directly (a timer
                // fired by an order event comes back to the order's task): its positions are kept
                // apart, under `FEEDBACK<-ORIGIN`, or it would count as applied already.
                origin.partition = TopicPartition("\(input.topic)<-\(upstream.partition.topic)", upstream.partition.partition)
            }
        }
        if state.checkpoint.hasApplied(origin.position, of: origin.partition) { return nil }
        let outcome = processor.process(decoded, state: state)
        state.checkpoint.applied[origin.partition] = origin.position
        return outcome
    }

    /// The first half of a flush: the stores' changes and the checkpoint are enqueued on their
    /// changelogs (under exactly-once, in the producer's open transaction). ``writeLocally(_:)`` follows
    /// once they are acknowledged (or their transaction committed), or ``rollBackToCommitted()`` once
    /// the transaction aborted.
    ///
    /// - Important: Call only after the outputs of every processed record are acknowledged (or in the
    ///   same transaction): the checkpoint claims those records are done.
    ///
    /// - Returns: the pending local writes, by store name.
    func sendChangelog(to producer: KafkaProducer) throws(StateStoreError) -> [String: PendingStoreFlush] {
        var pending: [String: PendingStoreFlush] = [:]
        for name in state.stores.keys.sorted() {
            pending[name] = try state.stores[name]!.sendChangelog(to: producer, checkpoint: state.checkpoint)
        }
        return pending
    }

    /// Writes what ``sendChangelog(to:)`` sent to the local stores, now that it is acknowledged (or its
    /// transaction committed).
    func writeLocally(_ pending: [String: PendingStoreFlush]) throws(StateStoreError) {
        for name in pending.keys.sorted() {
            try state.stores[name]!.writeLocally(pending[name]!)
        }
        committedCheckpoint = state.checkpoint
    }

    /// Forgets everything processed since the last committed transaction: the stores drop their
    /// unflushed writes and the checkpoint (with each window's stream time) returns to what local state
    /// reflects, so the records read again after a rewind are applied exactly once.
    func rollBackToCommitted() {
        for store in state.stores.values { store.discardUncommitted() }
        state.checkpoint = committedCheckpoint
    }

    func close() {
        state.stores.values.forEach { $0.close() }
    }

    /// Opens store `name` of task `id` where the task keeps it: `<state-dir>/<application-id>/<task>/<store>`
    /// (a standby replica keeps its copy there too, so that the task finds it when it becomes active).
    static func openStore(_ name: String, of id: TaskID, topology: Topology, configuration: StreamsConfiguration) throws(RocksDBError) -> KeyValueStore {
        try KeyValueStore(
            name: name, directory: storeDirectory(name, of: id, topology: topology, configuration: configuration),
            changelog: TopicPartition(topology.changelogTopic(of: name), id.partition), options: configuration.storeOptions)
    }

    /// Where store `name` of task `id` keeps its database: `<state-dir>/<application-id>/<task>/<store>`.
    private static func storeDirectory(_ name: String, of id: TaskID, topology: Topology, configuration: StreamsConfiguration) -> String {
        URL(fileURLWithPath: configuration.stateDirectory)
            .appendingPathComponent(topology.applicationID).appendingPathComponent(id.description).appendingPathComponent(name).path
    }

    /// Refuses a store whose state was written by a topology this one no longer matches; has a store
    /// without a lineage record this one.
    private static func check(_ store: KeyValueStore, against current: StoreLineage?, application: String) throws {
        guard let current else { return }
        guard let stored = try store.lineage else {
            store.record(current)
            return
        }
        let changes = current.changes(since: stored)
        guard changes.isEmpty else {
            throw StateStoreError(store: store.name, changelog: store.changelog, message: """
                the topology no longer matches the state this store holds: \(changes.joined(separator: "; ")). \
                Run the previous topology, or start application '\(application)' over with `runner reset --topology FILE` (every instance stopped)
                """)
        }
    }

    /// Whether `lhs` reflects less than `rhs` (some partition applied less far, or one missing).
    private static func isBehind(_ lhs: TaskCheckpoint, _ rhs: TaskCheckpoint) -> Bool {
        for (partition, position) in rhs.applied {
            guard let other = lhs.applied[partition] else { return true }
            if other < position { return true }
        }
        return false
    }
}
