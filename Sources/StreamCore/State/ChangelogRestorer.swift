import Logging
import Metrics

/// Brings ``KeyValueStore``s up to date from their changelogs: each from its local changelog offset (or
/// from the start when the local state is gone) to the end of its partition, last write winning, as a
/// changelog that is not compacted requires. Checkpoint and lineage records in the changelog restore the
/// task's ``TaskCheckpoint`` and the store's ``StoreLineage`` along with the data.
///
/// Many stores restore together, with one consumer for all their changelog partitions (Kafka Streams'
/// restore consumer): a consumer's start, its metadata and its first fetch are paid once per batch of
/// tasks a thread is assigned, not once per store, and the partitions are fetched side by side. The
/// records are written into the stores on other threads (``ChangelogWriters``) while the next ones are
/// fetched.
public enum ChangelogRestorer {
    /// Replays the changelog tail into `store` and returns how many records were applied.
    @discardableResult
    public static func restore(
        _ store: KeyValueStore, bootstrapServers: String, kafkaProperties: [String: String] = [:], readCommitted: Bool = false, logger: Logger, batchSize: Int = 10_000,
        stallTimeout: Duration = .seconds(10)
    ) throws -> Int {
        try restore([store], bootstrapServers: bootstrapServers, kafkaProperties: kafkaProperties, readCommitted: readCommitted, logger: logger, batchSize: batchSize, stallTimeout: stallTimeout)[0]
    }

    /// Replays the changelog tails into `stores`, with one consumer, and returns how many records each
    /// applied (in the order of `stores`).
    ///
    /// Local state that claims more of the changelog than the partition holds belongs to another
    /// incarnation of the topic (a new cluster, a recreated topic): it is discarded and rebuilt.
    ///
    /// - Throws: ``StateStoreError`` when a changelog no longer holds the records its store needs
    ///   (retention removed them): a partial store is never served silently.
    @discardableResult
    public static func restore(
        _ stores: [KeyValueStore], bootstrapServers: String, kafkaProperties: [String: String] = [:], readCommitted: Bool = false, logger: Logger, batchSize: Int = 10_000,
        stallTimeout: Duration = .seconds(10)
    ) throws -> [Int] {
        guard !stores.isEmpty else { return [] }
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: "tributary-restore-\(stores[0].name)")
        configuration.readCommitted = readCommitted
        configuration.additionalProperties = kafkaProperties
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        defer { try? consumer.close() }

        /// One store's restore: where it reads from, to where, how far it got.
        struct Restoring {
            let store: KeyValueStore
            let start: Int64
            let high: Int64
            var next: Int64
        }
        let clock = ContinuousClock()
        let began = clock.now
        var restoring: [TopicPartition: Restoring] = [:]
        for store in stores {
            let (start, high) = try range(of: store, consumer: consumer, logger: logger)
            if start < high { restoring[store.changelog] = Restoring(store: store, start: start, high: high, next: start) }
        }
        var finished: [Restoring] = []
        if !restoring.isEmpty {
            try consumer.assign(restoring.mapValues(\.start))
        }
        var lastProgress = began
        // Each poll's records are written while the next poll fetches; the writes of one poll end before
        // the next poll's are handed over, so at most two polls' records are held.
        let writers = ChangelogWriters(changelogs: restoring.keys)
        var applied: [TopicPartition: Int] = [:]
        func collectWrites() throws(RocksDBError) {
            applied.merge(try writers.waitForWrites(), uniquingKeysWith: +)
        }
        do {
            while !restoring.isEmpty {
                let polled = try consumer.poll(maxRecords: batchSize, timeout: .milliseconds(200))
                if !polled.isEmpty { lastProgress = clock.now }
                try collectWrites()
                // A fetch delivers each partition's records in a run: each run is written as it stands
                // in the poll's array, one RocksDB batch, without copying the records out.
                var runStart = polled.startIndex
                while runStart < polled.endIndex {
                    let partition = polled[runStart].topicPartition
                    var runEnd = runStart + 1
                    while runEnd < polled.endIndex, polled[runEnd].partition == partition.partition, polled[runEnd].topic == partition.topic { runEnd += 1 }
                    defer { runStart = runEnd }
                    guard var state = restoring[partition] else { continue }
                    let records = polled[runStart..<runEnd].drop { $0.offset < state.next }
                    guard let last = records.last else { continue }
                    state.next = last.offset + 1
                    writers.write(records, through: state.next, to: state.store)
                    restoring[partition] = state
                }
                // Offsets without a record (transaction markers) never arrive: once nothing has come for
                // `stallTimeout`, the partitions still short of their high watermark end there.
                let quiet = clock.now - lastProgress >= stallTimeout
                for (partition, var state) in restoring where state.next >= state.high || quiet {
                    if state.next < state.high {
                        logger.warning("changelog ended before its high watermark; treating the rest as markers", metadata: ["store": "\(state.store.name)", "at": "\(state.next)", "high": "\(state.high)"])
                        state.next = state.high
                    }
                    restoring[partition] = nil
                    finished.append(state)
                }
            }
            try collectWrites()
        } catch {
            // No write may outlive the restore: the caller closes the stores when it fails.
            _ = try? writers.waitForWrites()
            throw error
        }
        let seconds = began.duration(to: clock.now)
        // Stores restored together share one duration: the batch's.
        for state in finished {
            Timer(label: "tributary_restore_seconds", dimensions: [("store", state.store.name)]).recordNanoseconds(Int64(seconds.components.seconds) * 1_000_000_000 + seconds.components.attoseconds / 1_000_000_000)
            logger.info("store restored from its changelog", metadata: [
                "store": "\(state.store.name)", "changelog": "\(state.store.changelog)", "from": "\(state.start)", "to": "\(state.high)", "records": "\(applied[state.store.changelog] ?? 0)", "seconds": "\(seconds)",
            ])
        }
        return stores.map { applied[$0.changelog] ?? 0 }
    }

    /// The offsets `store` must be restored from and to. A store ahead of its changelog is wiped, to be
    /// restored from the start.
    private static func range(of store: KeyValueStore, consumer: KafkaConsumer, logger: Logger) throws -> (start: Int64, high: Int64) {
        var start: Int64
        do {
            start = try store.changelogOffset ?? 0
        } catch {
            throw StateStoreError(store: store.name, changelog: store.changelog, message: "cannot read the local changelog offset: \(error)")
        }
        let (low, high) = try consumer.watermarks(of: store.changelog)
        if start > high {
            logger.warning("local state is ahead of its changelog (another cluster or a recreated topic); rebuilding it from the changelog", metadata: [
                "store": "\(store.name)", "changelog": "\(store.changelog)", "local": "\(start)", "high": "\(high)",
            ])
            try store.wipe()
            start = 0
        }
        guard low <= start else {
            throw StateStoreError(store: store.name, changelog: store.changelog, message:
                "the changelog starts at offset \(low) but the store needs it from \(start): retention removed records; refusing to serve a partial store")
        }
        return (start, high)
    }
}
