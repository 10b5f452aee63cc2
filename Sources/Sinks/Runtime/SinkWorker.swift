import Logging
import Metrics
import ServiceLifecycle
import StreamCore

/// Delivers a sink topic to a destination, at least once and in key order, committing only what the
/// destination acknowledged (or what went to the dead-letter topic).
///
/// The topology writes a sink's records to its sink topic (keyed by what updates share, JSON
/// bodies); the worker reads it in its own consumer group, coalesces and batches (see
/// ``CoalescingBuffer``), and sends one batch at a time. When the destination fails as a whole, the
/// worker pauses its partitions (lag grows instead of records piling up in memory) and retries with
/// backoff; when its allowance is exhausted, it probes rarely. A crash at any point replays from the
/// last commit, which never passes an unsettled record.
public struct SinkWorker: Service, CustomStringConvertible {
    private let configuration: SinkWorkerConfiguration
    private let destination: any SinkDestination
    private let logger: Logger

    public init(configuration: SinkWorkerConfiguration, destination: any SinkDestination, logger: Logger) {
        self.configuration = configuration
        self.destination = destination
        var logger = logger
        logger[metadataKey: "sink"] = "\(configuration.name)"
        self.logger = logger
    }

    /// What the service group logs for this service: its name and topic, never its settings (which hold
    /// credentials, Kafka properties and URLs).
    public var description: String { "SinkWorker(\(configuration.name), topic \(configuration.topic))" }

    /// Reads, delivers and commits until graceful shutdown; then sends what waits (for at most the
    /// drain timeout), commits, and leaves the group.
    ///
    /// - Throws: ``SinkError`` when the destination refuses to work (bad credentials), `KafkaError`
    ///   when Kafka does.
    public func run() async throws {
        // Polling, committing and closing block in librdkafka: on a thread of the sink's own.
        let executor = DedicatedThreadExecutor(name: "tributary-sink-\(configuration.name)")
        defer { executor.shutDown() }
        let (configuration, destination, logger) = (configuration, destination, logger)
        try await withTaskExecutorPreference(executor) {
            let session = try SinkSession(configuration: configuration, destination: destination, logger: logger)
            try await session.run()
        }
    }
}

/// One run of a ``SinkWorker``: the consumer, the dead-letter producer and the buffer, owned by the
/// task that runs it.
private final class SinkSession {
    private let configuration: SinkWorkerConfiguration
    private let destination: any SinkDestination
    private let logger: Logger
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let revocations = PartitionRevocations()
    private var buffer = CoalescingBuffer()
    /// No call before this (backoff, probing, pacing, a locked row's retry).
    private var holdUntil: ContinuousClock.Instant = .now
    /// The destination is failing as a whole: reading pauses until a call succeeds.
    private var isFailing = false
    private var failedCalls = 0
    /// The partitions this session paused (partitions assigned while paused are paused too).
    private var pausedPartitions: Set<TopicPartition> = []
    private var lastCommit: ContinuousClock.Instant = .now
    private let metrics: SinkMetrics

    init(configuration: SinkWorkerConfiguration, destination: any SinkDestination, logger: Logger) throws {
        self.configuration = configuration
        self.destination = destination
        self.logger = logger
        metrics = SinkMetrics(sink: configuration.name)
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: configuration.bootstrapServers, groupID: configuration.groupID)
        consumerConfiguration.clientID = "tributary-sink-\(configuration.name)"
        consumerConfiguration.additionalProperties = configuration.kafkaProperties
        consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: configuration.bootstrapServers)
        producerConfiguration.additionalProperties = configuration.kafkaProperties
        producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        consumer.rebalanceListener = revocations
    }

    func run() async throws {
        try consumer.subscribe([configuration.topic])
        logger.info("sink started", metadata: ["topic": "\(configuration.topic)", "group": "\(configuration.groupID)"])
        do {
            var didWork = true
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                // Idle, the poll itself waits for records (up to the next due batch), on the sink's thread.
                didWork = try await step(waitingUpTo: didWork ? .zero : idleWait(now: .now))
            }
            try await drain()
        } catch {
            try? commit(force: true)
            try? consumer.close()
            try? producer.close()
            throw error
        }
        try commit(force: true)
        try consumer.close()
        try producer.close()
        logger.info("sink stopped")
    }

    /// Reads what arrived (waiting up to `wait` for it), sends a batch if one is due, commits; says
    /// whether anything happened.
    private func step(waitingUpTo wait: Duration) async throws -> Bool {
        let records = try consumer.poll(maxRecords: 1000, timeout: wait)
        let revoked = revocations.take()
        if !revoked.isEmpty { buffer.forget(revoked) }
        let now = ContinuousClock.now
        for record in records { try await accept(record, now: now) }
        try updatePause()
        var sent = false
        if let batchSize = dueBatchSize(now: now) {
            try await send(limit: batchSize)
            sent = true
        }
        metrics.waiting.record(buffer.waitingCount)
        try commit(force: sent)
        return !records.isEmpty || sent
    }

    private func accept(_ record: ConsumerRecord, now: ContinuousClock.Instant) async throws {
        guard let value = record.value, let body = try? JSONValue(parsing: value) else {
            // Not a body the topology wrote: nothing to deliver, but nothing to lose either.
            try await deadLetter(record, reason: "the sink topic's record is not a JSON body", kind: "sink-invalid-record", details: [])
            buffer.noteSettled(record)
            return
        }
        let key = configuration.coalescesByKey ? record.key.map { String(decoding: $0, as: UTF8.self) } : nil
        buffer.add(SinkRecord(coalescingKey: key, body: body, source: record), now: now)
    }

    /// How long an idle session may wait for records: until the next batch is due (a hold ends, a batch
    /// has lingered), at most 100 ms, so that a graceful shutdown is noticed soon.
    private func idleWait(now: ContinuousClock.Instant) -> Duration {
        guard buffer.waitingCount > 0, let waitingSince = buffer.waitingSince else { return .milliseconds(100) }
        let due = max(holdUntil, waitingSince + configuration.linger)
        return min(max(due - now, .zero), .milliseconds(100))
    }

    /// The size of the batch to send now, if one is due: a full batch, one that lingered long enough,
    /// or anything while draining; never while holding back.
    private func dueBatchSize(now: ContinuousClock.Instant, draining: Bool = false) -> Int? {
        guard buffer.waitingCount > 0, now >= holdUntil else { return nil }
        let lingered = buffer.waitingSince.map { now - $0 >= configuration.linger } ?? false
        guard draining || lingered || buffer.waitingCount >= configuration.batchSize else { return nil }
        return configuration.batchSize
    }

    private func send(limit: Int) async throws {
        let batch = buffer.takeBatch(limit: limit)
        guard !batch.isEmpty else { return }
        let delivery = await destination.deliver(batch.map(\.entry.record))
        let now = ContinuousClock.now
        metrics.calls(delivery).increment()
        switch delivery {
        case .perRecord(let outcomes):
            if isFailing { logger.notice("the destination answers again; reading resumes", metadata: ["failed_calls": "\(failedCalls)"]) }
            isFailing = false
            failedCalls = 0
            var retries = 0
            for (index, item) in batch.enumerated() {
                let outcome = index < outcomes.count ? outcomes[index] : .retry(reason: "the destination gave no answer for this record")
                switch outcome {
                case .delivered:
                    buffer.settle(key: item.key, entry: item.entry)
                    metrics.records("delivered").increment()
                case .retry:
                    buffer.requeue(key: item.key, entry: item.entry, now: now)
                    retries += 1
                    metrics.records("retried").increment()
                case .deadLetter(let reason, let details):
                    try await deadLetter(item.entry.record.source, reason: reason, kind: "sink-rejected", details: details)
                    buffer.settle(key: item.key, entry: item.entry)
                    metrics.records("dead-lettered").increment()
                }
            }
            let pacing = await destination.pacing()
            holdUntil = now + max(pacing, retries > 0 ? configuration.backoff.delay(attempt: 0) : .zero)
        case .retryBatch(let reason, let retryAfter):
            requeue(batch, now: now)
            let wait = retryAfter ?? configuration.backoff.delay(attempt: failedCalls)
            failedCalls += 1
            isFailing = true
            holdUntil = now + wait
            logger.warning("the destination failed; the batch waits and reading pauses", metadata: [
                "reason": "\(reason)", "retry_in_ms": "\(wait.milliseconds)", "failed_calls": "\(failedCalls)",
            ])
        case .allowanceExhausted(let reason):
            requeue(batch, now: now)
            failedCalls += 1
            isFailing = true
            holdUntil = now + configuration.probeInterval
            logger.error("the destination's allowance is exhausted; calls stop and one is tried every probe interval", metadata: [
                "reason": "\(reason)", "probe_in_s": "\(configuration.probeInterval.milliseconds / 1000)",
            ])
        case .fatal(let reason):
            requeue(batch, now: now)
            throw SinkError(sink: configuration.name, message: reason)
        }
    }

    private func requeue(_ batch: [(key: String, entry: CoalescingBuffer.Entry)], now: ContinuousClock.Instant) {
        for item in batch { buffer.requeue(key: item.key, entry: item.entry, now: now) }
    }

    /// Sends what waits until it is all settled, the destination fails, or the drain timeout passes.
    private func drain() async throws {
        let deadline = ContinuousClock.now + configuration.drainTimeout
        while buffer.waitingCount > 0, !isFailing, ContinuousClock.now < deadline {
            if let size = dueBatchSize(now: .now, draining: true) {
                try await send(limit: size)
            } else {
                // Only a hold (backoff, pacing) keeps a batch back while draining: wait for its end.
                try? await Task.sleep(until: min(holdUntil, deadline))
            }
        }
        if buffer.waitingCount > 0 {
            logger.notice("stopping with records not yet delivered; they are not committed and are sent after the restart", metadata: ["waiting": "\(buffer.waitingCount)"])
        }
    }

    private func deadLetter(_ record: ConsumerRecord, reason: String, kind: String, details: [KafkaHeader]) async throws {
        let letter = DeadLetter.record(for: record, reason: reason, kind: kind, node: configuration.name, topic: configuration.deadLetterTopic, details: details)
        _ = try await producer.send(letter)
    }

    /// Pauses reading while the destination fails or too much waits; resumes otherwise.
    private func updatePause() throws {
        let shouldPause = isFailing || buffer.waitingCount >= configuration.maxWaiting
        let assignment = consumer.assignment
        pausedPartitions.formIntersection(assignment)
        if shouldPause {
            let unpaused = assignment.subtracting(pausedPartitions)
            guard !unpaused.isEmpty else { return }
            try consumer.pause(Array(unpaused))
            pausedPartitions.formUnion(unpaused)
        } else {
            guard !pausedPartitions.isEmpty else { return }
            try consumer.resume(Array(pausedPartitions))
            pausedPartitions = []
        }
        metrics.paused.record(shouldPause ? 1 : 0)
    }

    private func commit(force: Bool) throws {
        let now = ContinuousClock.now
        guard force || now - lastCommit >= .seconds(1) else { return }
        lastCommit = now
        for (partition, offset) in buffer.committableOffsets where consumer.assignment.contains(partition) {
            consumer.markProcessed(partition, nextOffset: offset)
        }
        try consumer.commit()
    }
}

/// Collects the partitions a rebalance takes away, for the session to forget after the poll.
private final class PartitionRevocations: ConsumerRebalanceListener {
    private var revoked: Set<TopicPartition> = []

    func partitionsRevoked(_ partitions: [TopicPartition]) { revoked.formUnion(partitions) }

    func partitionsLost(_ partitions: [TopicPartition]) { revoked.formUnion(partitions) }

    func take() -> Set<TopicPartition> {
        defer { revoked = [] }
        return revoked
    }
}
