import Logging

/// The tasks one stream thread runs, and the global tables they look up (Kafka Streams'
/// `TaskManager`): which task a partition belongs to, opening a task (its stores restored) when the
/// thread is assigned it, closing it when the partition leaves, and registering its stores for
/// interactive queries meanwhile.
///
/// - Important: Not thread-safe: the stream thread that owns it makes every call.
final class TaskManager {
    private let topology: Topology
    private let configuration: StreamsConfiguration
    /// `StreamThread-N`: names this thread's copies of the global tables, its tasks in ``InstanceTasks``
    /// and its partitions in ``QueryableStores``.
    private let thread: String
    private let instance: InstanceTasks
    private let logger: Logger
    private(set) var tasks: [TaskID: StreamTask] = [:]
    /// One per global table, shared by every task of the thread.
    private var globalTables: [GlobalTableUpdater] = []

    init(topology: Topology, configuration: StreamsConfiguration, thread: String, instance: InstanceTasks, logger: Logger) {
        self.topology = topology
        self.configuration = configuration
        self.thread = thread
        self.instance = instance
        self.logger = logger
    }

    /// The open tasks' ids, in order (the order they flush and punctuate in).
    var ids: [TaskID] { tasks.keys.sorted() }

    /// The task that processes `partition`: its sub-topology, and the partition's number.
    func taskID(of partition: TopicPartition) throws(KafkaError) -> TaskID {
        guard let subtopology = topology.subtopology(reading: partition.topic) else {
            throw KafkaError(code: .consumerFailed, message: "assigned a partition of \(partition.topic), which no sub-topology reads", topicPartition: partition)
        }
        return TaskID(subtopology: subtopology.id, partition: partition.partition)
    }

    /// The open task `id`, opened now if it is not.
    func task(_ id: TaskID) throws -> StreamTask {
        if let task = tasks[id] { return task }
        try open([id])
        return tasks[id]!
    }

    /// Opens tasks this thread was assigned (those not open yet). Their stores are restored together,
    /// with one restore consumer for all their changelog partitions. A standby copy of a task becomes
    /// its local state: closed first, found by the restore.
    func open(_ ids: some Collection<TaskID>) throws {
        let opening = Set(ids).subtracting(tasks.keys).sorted()
        guard !opening.isEmpty else { return }
        instance.activate(Set(opening), on: thread)
        var stores: [TaskID: [String: KeyValueStore]] = [:]
        do {
            stores = try StreamTask.openStores(of: opening, topology: topology, configuration: configuration)
            try ChangelogRestorer.restore(
                opening.flatMap { id in stores[id]!.keys.sorted().map { stores[id]![$0]! } }, bootstrapServers: configuration.bootstrapServers,
                kafkaProperties: configuration.consumerProperties, readCommitted: configuration.readsChangelogsCommitted, logger: logger)
            let globalStores = Dictionary(uniqueKeysWithValues: globalTables.map { ($0.table.store, $0.store) })
            for id in opening {
                let task = try StreamTask(id: id, stores: stores[id]!, topology: topology, globalStores: globalStores, logger: logger)
                stores[id] = nil
                tasks[id] = task
                for store in task.state.stores.values { configuration.queryableStores.register(store, task: id) }
            }
        } catch {
            // The tasks made so far stay open (and registered); the others are given back.
            for storesOfTask in stores.values { storesOfTask.values.forEach { $0.close() } }
            instance.deactivate(opening.filter { tasks[$0] == nil }, on: thread)
            throw error
        }
    }

    /// Closes the tasks `ids` that are open, without flushing: whoever closes a task flushes it first if
    /// its state is to be kept.
    func close(_ ids: some Collection<TaskID>) {
        for id in ids {
            guard let task = tasks.removeValue(forKey: id) else { continue }
            for store in task.state.stores.values { configuration.queryableStores.unregister(store, task: id) }
            task.close()
        }
        instance.deactivate(ids, on: thread)
    }

    func closeAll() {
        close(ids)
    }

    // MARK: - Global tables

    /// Reads every global table in full before the first record is processed, so lookups see it whole.
    func loadGlobalTables() throws {
        guard !topology.globalTables.isEmpty else { return }
        let counts = try KafkaAdminClient(bootstrapServers: configuration.bootstrapServers, logger: logger, additionalProperties: configuration.kafkaProperties).partitionCounts()
        for table in topology.globalTables {
            let updater = try GlobalTableUpdater(table, topology: topology, configuration: configuration, thread: thread, logger: logger)
            globalTables.append(updater)
            try updater.bootstrap(admin: counts)
            configuration.queryableStores.registerGlobal(updater.store)
        }
    }

    /// Applies what the global tables' topics received since the last call, without waiting.
    func updateGlobalTables() throws {
        for table in globalTables { try table.update() }
    }

    func closeGlobalTables() {
        for table in globalTables {
            configuration.queryableStores.unregisterGlobal(table.store)
            table.close()
        }
        globalTables = []
    }
}
