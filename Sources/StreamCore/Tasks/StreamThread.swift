import Logging
import Metrics

/// Runs one topology on one thread: polls its source topics, hands each record to the task of its
/// partition, writes the outputs, and commits a record's offset only after its outputs — and the state
/// changes it caused — are acknowledged (at least once for outputs, exactly once for state).
///
/// How a commit makes outputs, state and offsets durable together is the thread's ``CommitStrategy``:
/// ``AtLeastOnceCommits`` or, under ``ProcessingGuarantee/exactlyOnceV2``, ``TransactionalCommits``.
/// Its tasks are the ``TaskManager``'s.
///
/// An instance runs ``StreamsConfiguration/streamThreads`` of them per topology, each a member of the
/// consumer group with its own consumer and producer, so a rebalance moves tasks between threads as it
/// does between instances (``InstanceTasks`` is what they share).
///
/// - Important: `run` blocks its thread until `shouldStop` returns true or a fatal error occurs.
final class StreamThread: ConsumerRebalanceListener {
    private let topology: Topology
    private let configuration: StreamsConfiguration
    private let logger: Logger
    /// 1-based, as Kafka Streams' `StreamThread-N`: in client ids, logs and global-table directories.
    private let index: Int
    private let instance: InstanceTasks
    private let processor: RecordProcessor
    private var consumer: KafkaConsumer!
    /// Where outputs go, and how a commit makes them, the tasks' state and the offsets durable.
    private var commits: (any CommitStrategy)!
    private var progress = ProgressCounts()
    private let deadLetterCounter: Counter
    /// The thread's tasks and its copies of the global tables.
    private let taskManager: TaskManager
    /// Fetched records not yet processed, per task, for processing in timestamp order.
    private var buffered: [TaskID: PartitionGroup<DecodedInput>] = [:]
    /// The sub-topologies whose tasks are processed in event-time order across them (``processBuffered()``).
    private let ordersAcrossTasks: Set<Int>
    /// Since when each sub-topology or task has waited for a lagging partition's records (``processBuffered()``).
    private var orderingWaitSince: [OrderingGroup: ContinuousClock.Instant] = [:]
    /// Input partitions whose fetching stopped for good (their lag must not hold the others back).
    private var stoppedPartitions: Set<TopicPartition> = []
    /// Partitions paused because the buffer, or the producer's queue, is full; `nil` without a memory budget.
    private var backPressure: BackPressure?
    private var metrics: StreamThreadMetrics
    private let punctuates: Bool
    /// Whether this thread keeps the instance's standby copies (the first does, when configured).
    private var keepsStandbys: Bool { index == 1 && configuration.standbyPartitions != nil }
    /// A failure inside a rebalance callback, thrown from the processing loop.
    private var rebalanceFailure: (any Error)?

    init(topology: Topology, configuration: StreamsConfiguration, index: Int, instance: InstanceTasks, logger: Logger) {
        self.topology = topology
        self.configuration = configuration
        self.index = index
        self.instance = instance
        var logger = logger
        logger[metadataKey: "thread"] = "\(Self.name(index))"
        self.logger = logger
        taskManager = TaskManager(topology: topology, configuration: configuration, thread: Self.name(index), instance: instance, logger: logger)
        processor = RecordProcessor(topology: topology)
        processor.maximumEventTimeSkew = configuration.maxEventTimeSkew?.milliseconds
        metrics = StreamThreadMetrics(application: topology.applicationID, thread: Self.name(index))
        punctuates = processor.punctuatesOnWallClock
        ordersAcrossTasks = Set(topology.subtopologies.filter(topology.writesTopicsItReads).map(\.id))
        backPressure = configuration.memoryBudget.map { BackPressure(maxBufferedBytes: $0.bufferedBytesPerThread) }
        deadLetterCounter = Counter(label: "tributary_dead_letters_total", dimensions: [("application", topology.applicationID)])
    }

    /// Processes until `shouldStop` returns true; then commits what was processed and leaves the group.
    ///
    /// - Throws: ``KafkaError`` when the consumer fails fatally or an output cannot be delivered,
    ///   ``StateStoreError`` when a store cannot be restored or flushed; nothing processed after the last
    ///   successful commit is committed then.
    func run(until shouldStop: () -> Bool) throws {
        try StateDirectory.checkWritable(topology.applicationID, under: configuration.stateDirectory)
        configuration.queryableStores.declare(topology)
        commits = try makeCommitStrategy()
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: configuration.bootstrapServers, groupID: topology.applicationID)
        consumerConfiguration.clientID = "\(topology.applicationID)-\(Self.name(index))-consumer"
        consumerConfiguration.offsetOutOfRange = configuration.offsetOutOfRange
        consumerConfiguration.sessionTimeout = configuration.sessionTimeout
        consumerConfiguration.additionalProperties = configuration.consumerProperties
        consumerConfiguration.offsetsCommittedInTransactions = configuration.processingGuarantee == .exactlyOnceV2
        try AssignmentStrategyCheck.verify(strategies: consumerConfiguration.properties["partition.assignment.strategy"] ?? "", for: topology)
        consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        consumer.rebalanceListener = self
        try taskManager.loadGlobalTables()
        if keepsStandbys { instance.startStandbys(try StandbyTasks(topology: topology, configuration: configuration, logger: logger)) }
        try consumer.subscribe(topology.sourceTopics)
        logger.info("processing", metadata: ["application": "\(topology.applicationID)", "topics": "\(topology.sourceTopics)"])

        let clock = ContinuousClock()
        var nextCommit = clock.now + configuration.commitInterval
        var nextProgressLog = configuration.progressLogInterval.map { clock.now + $0 }
        var nextStandbyPlan = clock.now
        do {
            while !shouldStop() {
                try taskManager.updateGlobalTables()
                if keepsStandbys, let planned = configuration.standbyPartitions {
                    var plannedTasks: Set<TaskID>?
                    if clock.now >= nextStandbyPlan {
                        plannedTasks = Set(planned().compactMap { try? taskManager.taskID(of: $0) })
                        nextStandbyPlan = clock.now + .seconds(1)
                    }
                    try instance.updateStandbys(planned: plannedTasks)
                }
                for record in try consumer.poll(maxRecords: configuration.maxPollRecords, timeout: .milliseconds(100)) {
                    try buffer(record)
                }
                if let rebalanceFailure { throw rebalanceFailure }
                try processBuffered()
                try applyBackPressure()
                metrics.recordBufferedBytes(buffered.values.reduce(0) { $0 + $1.bufferedBytes })
                if punctuates { try punctuate() }
                if clock.now >= nextCommit {
                    try commit()
                    nextCommit = clock.now + configuration.commitInterval
                }
                if let due = nextProgressLog, clock.now >= due {
                    logProgress()
                    nextProgressLog = due + configuration.progressLogInterval!
                }
            }
            try commit()
            try consumer.close()
            taskManager.closeAll()
            if keepsStandbys { instance.stopStandbys() }
            taskManager.closeGlobalTables()
            try commits.close(timeout: .seconds(30))
        } catch {
            logger.error("stream thread failed; offsets after the last commit are not committed: \(error)")
            try? consumer.close()
            taskManager.closeAll()
            if keepsStandbys { instance.stopStandbys() }
            taskManager.closeGlobalTables()
            try? commits.close(timeout: .seconds(5))
            logSummary()
            throw error
        }
        logSummary()
    }

    /// Adds a fetched record to its task's partition group, which decodes it once it is its partition's
    /// next (for the event time it is processed at, and for processing).
    private func buffer(_ record: ConsumerRecord) throws {
        let id = try taskManager.taskID(of: record.topicPartition)
        if buffered[id] == nil {
            let processor = processor
            buffered[id] = PartitionGroup(partitions: Set(try consumer.assignment.filter { try taskManager.taskID(of: $0) == id })) { record in
                let decoded = processor.decode(record)
                return (decoded.eventTime, decoded)
            }
        }
        buffered[id]!.add(record)
    }

    /// Processes the buffered records, sub-topology by sub-topology. Within a task, its partition
    /// group's order. Across the tasks of a sub-topology that writes a topic the topology reads back (a
    /// repartition or feedback topic), event-time order: the smallest timestamp among the tasks' next
    /// records goes first.
    ///
    /// Such tasks feed the same downstream partitions, whose tasks take the largest event time seen as
    /// their stream time. Processed in fetch order, a backlog (a restart, a replay, a runner that is
    /// behind) would hand one input partition's hours before another's minutes, and the later ones
    /// would be late downstream. The tasks of any other sub-topology share nothing downstream, so each
    /// goes at its own pace, as in Kafka Streams: waiting for one another would only hold their records
    /// in memory longer.
    private func processBuffered() throws {
        let now = ContinuousClock.now
        // Every assigned input partition counts, also one of a task that has buffered nothing yet.
        var assigned: [TaskID: [TopicPartition]] = [:]
        for partition in consumer.assignment { assigned[try taskManager.taskID(of: partition), default: []].append(partition) }
        for subtopology in Set(buffered.keys.map(\.subtopology)).sorted() {
            let groups = buffered.filter { $0.key.subtopology == subtopology }.sorted { $0.key < $1.key }
            if ordersAcrossTasks.contains(subtopology) {
                let partitions = assigned.filter { $0.key.subtopology == subtopology }.values.flatMap { $0 }
                try process(groups, inOrderAs: .subtopology(subtopology), partitions: partitions, now: now)
            } else {
                for group in groups {
                    try process([group], inOrderAs: .task(group.key), partitions: assigned[group.key] ?? [], now: now)
                }
            }
        }
    }

    /// Tasks whose records are processed in one event-time order: a sub-topology's, or one task's.
    private enum OrderingGroup: Hashable {
        case subtopology(Int)
        case task(TaskID)
    }

    /// Processes the buffered records of `groups`, smallest timestamp first among their next records.
    ///
    /// While one of `partitions` (the tasks' input partitions) has nothing buffered but may have records
    /// not yet handed out (known lag, or no fetch has told yet; as Kafka Streams' KIP-695 task idling
    /// asks), the tasks wait for it, at most ``maximumOrderingWait`` (a partition whose fetches stall
    /// must not stop the others for good).
    private func process(
        _ groups: [(key: TaskID, value: PartitionGroup<DecodedInput>)], inOrderAs ordering: OrderingGroup, partitions: [TopicPartition], now: ContinuousClock.Instant
    ) throws {
        func isLagging(_ partition: TopicPartition) -> Bool { !stoppedPartitions.contains(partition) && consumer.mayHaveMore(partition) }
        let empty = Set(groups.flatMap { $0.value.emptyPartitions })
        let unbuffered = try partitions.filter { try empty.contains($0) || buffered[taskManager.taskID(of: $0)] == nil }
        let lagging = unbuffered.filter(isLagging)
        if !lagging.isEmpty {
            let since = orderingWaitSince[ordering] ?? now
            orderingWaitSince[ordering] = since
            if now - since < Self.maximumOrderingWait { return }
            logger.debug("input partitions without buffered records still lag; processing without them", metadata: ["partitions": "\(lagging.sorted())"])
        } else {
            orderingWaitSince[ordering] = nil
        }
        // Each task's next timestamp; only the task a record was taken from has a new one (nothing
        // else adds records or moves `now` until this loop ends).
        var heads = groups.map { $0.value.peek(now: now, maxIdle: configuration.maxTaskIdle) }
        while true {
            var next: Int?
            for index in heads.indices {
                guard let timestamp = heads[index] else { continue }
                if next == nil || timestamp < heads[next!]! { next = index }
            }
            guard let next else { break }
            let (id, group) = groups[next]
            let (input, emptied) = group.take()
            try process(input, in: id)
            consumer.markProcessed(input.record)
            // A partition just emptied with more to come: wait for it before going on.
            if lagging.isEmpty, let emptied, isLagging(emptied) { break }
            heads[next] = group.peek(now: now, maxIdle: configuration.maxTaskIdle)
        }
    }

    /// How long a sub-topology or task waits for a lagging input partition's records before it goes on
    /// without them (see ``processBuffered()``).
    static let maximumOrderingWait: Duration = .seconds(10)

    /// Pauses the partitions holding buffered records while the thread's buffer is over the budget's
    /// bound, or every partition while the producer's queue is full, and resumes them once drained
    /// (``BackPressure``): librdkafka then stops prefetching for them, so memory stays bounded however
    /// far processing falls behind fetching.
    private func applyBackPressure() throws {
        guard var pressure = backPressure else { return }
        var buffering: [TopicPartition: Int] = [:]
        for group in buffered.values {
            for (partition, bytes) in group.bufferedBytesByPartition { buffering[partition] = bytes }
        }
        let (pause, resume) = pressure.update(buffered: buffering, assigned: consumer.assignment, producerQueuedRecords: commits.queuedOutputCount)
        backPressure = pressure
        if !pause.isEmpty {
            try consumer.pause(pause.sorted())
            metrics.recordPauses(partitions: pause.count)
            logger.debug("partitions paused: buffered records over \(pressure.maxBufferedBytes) bytes or the producer queue full", metadata: ["partitions": "\(pause.sorted())"])
        }
        if !resume.isEmpty {
            try consumer.resume(resume.sorted())
            logger.debug("partitions resumed", metadata: ["partitions": "\(resume.sorted())"])
        }
    }

    /// Fires the wall-clock timers that are due, in every task.
    private func punctuate() throws {
        let now = processor.wallClock()
        for id in taskManager.ids {
            switch processor.punctuate(taskManager.tasks[id]!.state, now: now, task: id) {
            case .success(let outputs):
                try write(outputs)
            case .failure(let error):
                logger.error("wall-clock timers failed; they stay pending and are tried again: \(error.message)", metadata: ["task": "\(id)", "node": "\(error.node)"])
            }
        }
    }

    private func process(_ input: DecodedInput, in id: TaskID) throws {
        progress.input += 1
        let record = input.record
        let task = try taskManager.task(id)
        guard let outcome = task.process(input, with: processor) else {
            progress.skippedReplays += 1
            return
        }
        switch outcome {
        case .outputs(let outputs):
            try write(outputs)
        case .deadLetter(let deadLetter, let error):
            logger.warning("record dead-lettered: \(error.message)", metadata: [
                "topic": "\(record.topic)", "partition": "\(record.partition)", "offset": "\(record.offset)",
                "node": "\(error.node)", "kind": "\(error.kind)",
            ])
            try send(deadLetter)
            progress.deadLettered += 1
            deadLetterCounter.increment()
        }
    }

    private func write(_ outputs: [ProducerRecord]) throws(KafkaError) {
        for output in outputs {
            try send(output)
            progress.outputsByTopic[output.topic, default: 0] += 1
        }
    }

    /// Enqueues an output; a failed delivery is kept and stops the thread at the next commit, before
    /// that record's offset is committed.
    private func send(_ record: ProducerRecord) throws(KafkaError) {
        if try commits.send(record) {
            backPressure?.producerFull(queuedRecords: commits.queuedOutputCount)
        }
    }

    /// Commits what was processed (the strategy says how); when it was rolled back instead, the records
    /// fetched since are dropped, as the consumer's positions went back too.
    private func commit() throws {
        let started = ContinuousClock.now
        if try commits.commit(taskManager, consumer: consumer) == .rolledBack { buffered = [:] }
        metrics.recordCommit(ContinuousClock.now - started)
        metrics.recordLag(consumer.lag)
        metrics.recordStoreSizes(taskManager.tasks.values)
    }

    /// This thread's producer settings, in the strategy its processing guarantee asks for.
    private func makeCommitStrategy() throws -> any CommitStrategy {
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: configuration.bootstrapServers)
        producerConfiguration.clientID = "\(topology.applicationID)-\(Self.name(index))-producer"
        producerConfiguration.additionalProperties = configuration.producerProperties
        guard configuration.processingGuarantee == .exactlyOnceV2 else {
            return try AtLeastOnceCommits(producer: producerConfiguration, logger: logger)
        }
        return try TransactionalCommits(producer: producerConfiguration, applicationID: topology.applicationID, callLog: configuration.transactionCallLog, logger: logger)
    }

    // MARK: - Tasks

    /// Keeps each partition group's partitions in step with the assignment; records buffered for
    /// partitions that left are dropped (never marked processed, so their next owner reads them), and
    /// the tasks that left stop waiting for their partitions.
    private func reassignBuffers(without revoked: Set<TopicPartition> = []) {
        for id in buffered.keys {
            let assigned = consumer.assignment.subtracting(revoked).filter { (try? taskManager.taskID(of: $0)) == id }
            buffered[id]!.assign(assigned)
        }
        // A task that left waits for nothing any more.
        let tasks = Set(consumer.assignment.subtracting(revoked).compactMap { try? taskManager.taskID(of: $0) })
        orderingWaitSince = orderingWaitSince.filter { ordering, _ in
            if case .task(let id) = ordering { tasks.contains(id) } else { true }
        }
    }

    // MARK: - ConsumerRebalanceListener

    func partitionsAssigned(_ partitions: [TopicPartition]) {
        configuration.queryableStores.assigned(partitions, to: topology.applicationID, thread: Self.name(index))
        reassignBuffers()
        // Newly assigned partitions are fetched unpaused; the next evaluation pauses them if need be.
        backPressure?.forget(Set(partitions))
        // Restoring before the first record keeps restore time out of processing latency figures.
        do {
            try taskManager.open(Set(try partitions.map(taskManager.taskID)))
        } catch {
            rebalanceFailure = error
        }
    }

    func partitionsRevoked(_ partitions: [TopicPartition]) {
        // The consumer commits these partitions' processed offsets right after this returns: their
        // outputs and state must be written first, or the offsets withdrawn.
        let revokedTasks = Set(partitions.compactMap { try? taskManager.taskID(of: $0) })
        backPressure?.forget(Set(partitions))
        do {
            if try commits.commitRevoked(revokedTasks, of: partitions, tasks: taskManager, consumer: consumer) == .rolledBack { buffered = [:] }
        } catch {
            rebalanceFailure = error
        }
        taskManager.close(revokedTasks)
        configuration.queryableStores.revoked(partitions, from: topology.applicationID, thread: Self.name(index))
        reassignBuffers(without: Set(partitions))
    }

    func partitionsLost(_ partitions: [TopicPartition]) {
        // Another instance may own these tasks already and be writing their changelogs: a flush now
        // would interleave this instance's stale state with the owner's. The tasks close dirty; their
        // unflushed changes are dropped and re-made by the new owner from the uncommitted input.
        let lostTasks = Set(partitions.compactMap { try? taskManager.taskID(of: $0) })
        backPressure?.forget(Set(partitions))
        logger.warning("partitions lost (the group moved on without this instance): their tasks close without flushing", metadata: ["tasks": "\(lostTasks.sorted())"])
        taskManager.close(lostTasks)
        configuration.queryableStores.revoked(partitions, from: topology.applicationID, thread: Self.name(index))
        reassignBuffers(without: Set(partitions))
    }

    func partitionStopped(_ partition: TopicPartition, error: KafkaError) {
        stoppedPartitions.insert(partition)
        logger.critical("input partition stopped; the rest keep running: \(error)")
    }

    /// `StreamThread-N`, as Kafka Streams names its threads.
    static func name(_ index: Int) -> String { "StreamThread-\(index)" }

    // MARK: - Reporting

    private struct ProgressCounts {
        var input = 0
        var deadLettered = 0
        var skippedReplays = 0
        var outputsByTopic: [String: Int] = [:]
    }

    private func logProgress() {
        let outputs = progress.outputsByTopic.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        logger.info("progress: \(progress.input) records in; out: \(outputs.isEmpty ? "none" : outputs); dead-lettered: \(progress.deadLettered); skipped as already applied: \(progress.skippedReplays)",
                    metadata: ["application": "\(topology.applicationID)"])
    }

    private func logSummary() {
        logProgress()
        for (node, received, dropped) in processor.nodeCounts where dropped > 0 {
            logger.info("node \(node): \(received) records received, \(dropped) dropped", metadata: ["application": "\(topology.applicationID)"])
        }
    }
}
