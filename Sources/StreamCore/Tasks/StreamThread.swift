import Logging
import Metrics

/// Runs one topology on one thread: polls its source topics, processes each record, writes the
/// outputs, and commits a record's offset only after its outputs are acknowledged (at least once).
///
/// - Important: `run` blocks its thread until `requestStop` is called or a fatal error occurs.
final class StreamThread: ConsumerRebalanceListener {
    private let topology: Topology
    private let configuration: StreamsConfiguration
    private let logger: Logger
    private let processor: RecordProcessor
    private let deliveries = DeliveryResults()
    private var consumer: KafkaConsumer!
    private var producer: KafkaProducer!
    private var progress = ProgressCounts()
    private let deadLetterCounter: Counter

    init(topology: Topology, configuration: StreamsConfiguration, logger: Logger) {
        self.topology = topology
        self.configuration = configuration
        self.logger = logger
        processor = RecordProcessor(topology: topology)
        deadLetterCounter = Counter(label: "tributary_dead_letters_total", dimensions: [("application", topology.applicationID)])
    }

    /// Processes until `shouldStop` returns true; then commits what was processed and leaves the group.
    ///
    /// - Throws: ``KafkaError`` when the consumer fails fatally or an output cannot be delivered; nothing
    ///   processed after the last successful commit is committed then.
    func run(until shouldStop: () -> Bool) throws(KafkaError) {
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: configuration.bootstrapServers)
        producerConfiguration.clientID = "\(topology.applicationID)-producer"
        producerConfiguration.additionalProperties = configuration.additionalProducerProperties
        producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: configuration.bootstrapServers, groupID: topology.applicationID)
        consumerConfiguration.clientID = "\(topology.applicationID)-consumer"
        consumerConfiguration.offsetOutOfRange = configuration.offsetOutOfRange
        consumerConfiguration.sessionTimeout = configuration.sessionTimeout
        consumerConfiguration.additionalProperties = configuration.additionalConsumerProperties
        consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        consumer.rebalanceListener = self
        try consumer.subscribe(topology.sourceTopics)
        logger.info("processing", metadata: ["application": "\(topology.applicationID)", "topics": "\(topology.sourceTopics)"])

        let clock = ContinuousClock()
        var nextCommit = clock.now + configuration.commitInterval
        var nextProgressLog = configuration.progressLogInterval.map { clock.now + $0 }
        do throws(KafkaError) {
            while !shouldStop() {
                for record in try consumer.poll(maxRecords: configuration.maxPollRecords, timeout: .milliseconds(100)) {
                    try process(record)
                    consumer.markProcessed(record)
                }
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
            try producer.close()
        } catch {
            logger.error("stream thread failed; offsets after the last commit are not committed: \(error)")
            try? consumer.close()
            try? producer.close(timeout: .seconds(5))
            logSummary()
            throw error
        }
        logSummary()
    }

    private func process(_ record: ConsumerRecord) throws(KafkaError) {
        progress.input += 1
        switch processor.process(record) {
        case .outputs(let outputs):
            for output in outputs {
                try send(output)
                progress.outputsByTopic[output.topic, default: 0] += 1
            }
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

    /// Enqueues an output; a failed delivery is kept and stops the thread at the next commit, before
    /// that record's offset is committed.
    private func send(_ record: ProducerRecord) throws(KafkaError) {
        try producer.enqueueWaitingForRoom(record, completion: deliveries.record)
    }

    /// Waits for every output so far to be acknowledged, then commits the processed offsets.
    private func commit() throws(KafkaError) {
        try awaitDeliveries()
        try consumer.commit()
    }

    private func awaitDeliveries() throws(KafkaError) {
        while true {
            do {
                try producer.flush(timeout: .seconds(30))
                break
            } catch where error.code == .flushTimedOut {
                // The broker is unreachable or slow: keep waiting; records are retried, never dropped.
                logger.warning("outputs not yet acknowledged; still waiting: \(error.message)")
            }
        }
        if let failure = deliveries.firstFailure { throw failure }
    }

    // MARK: - ConsumerRebalanceListener

    func partitionsRevoked(_ partitions: [TopicPartition]) {
        // The consumer commits these partitions' processed offsets right after this returns: their
        // outputs must be acknowledged first, or the offsets withdrawn.
        do {
            try awaitDeliveries()
        } catch {
            logger.error("outputs of revoked partitions failed; not committing them: \(error)")
            consumer.forgetProcessed(partitions)
        }
    }

    func partitionStopped(_ partition: TopicPartition, error: KafkaError) {
        logger.critical("input partition stopped; the rest keep running: \(error)")
    }

    // MARK: - Reporting

    private struct ProgressCounts {
        var input = 0
        var deadLettered = 0
        var outputsByTopic: [String: Int] = [:]
    }

    private func logProgress() {
        let outputs = progress.outputsByTopic.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        logger.info("progress: \(progress.input) records in; out: \(outputs.isEmpty ? "none" : outputs); dead-lettered: \(progress.deadLettered)",
                    metadata: ["application": "\(topology.applicationID)"])
    }

    private func logSummary() {
        logProgress()
        for (node, received, dropped) in processor.nodeCounts where dropped > 0 {
            logger.info("node \(node): \(received) records received, \(dropped) dropped", metadata: ["application": "\(topology.applicationID)"])
        }
    }
}
