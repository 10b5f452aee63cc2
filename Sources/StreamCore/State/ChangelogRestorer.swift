import Logging
import Metrics

/// Brings a ``KeyValueStore`` up to date from its changelog: from its local changelog offset (or from
/// the start when the local state is gone) to the end of the partition, last write winning, as a
/// changelog that is not compacted requires. Checkpoint and lineage records in the changelog restore the
/// task's ``TaskCheckpoint`` and the store's ``StoreLineage`` along with the data.
public enum ChangelogRestorer {
    /// Replays the changelog tail into `store` and returns how many records were applied.
    ///
    /// Local state that claims more of the changelog than the partition holds belongs to another
    /// incarnation of the topic (a new cluster, a recreated topic): it is discarded and rebuilt.
    ///
    /// - Throws: ``StateStoreError`` when the changelog no longer holds the records the store needs
    ///   (retention removed them): a partial store is never served silently.
    @discardableResult
    public static func restore(
        _ store: KeyValueStore, bootstrapServers: String, kafkaProperties: [String: String] = [:], readCommitted: Bool = false, logger: Logger, batchSize: Int = 10_000,
        stallTimeout: Duration = .seconds(10)
    ) throws -> Int {
        var start: Int64
        do {
            start = try store.changelogOffset ?? 0
        } catch {
            throw StateStoreError(store: store.name, changelog: store.changelog, message: "cannot read the local changelog offset: \(error)")
        }
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: "tributary-restore-\(store.name)")
        configuration.readCommitted = readCommitted
        configuration.additionalProperties = kafkaProperties
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        defer { try? consumer.close() }
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
        guard start < high else { return 0 }
        try consumer.assign([store.changelog: start])
        var applied = 0
        var next = start
        let clock = ContinuousClock()
        let began = clock.now
        var lastProgress = clock.now
        while next < high {
            // Offsets without a record (transaction markers) never arrive: stop waiting at a quiet end.
            guard clock.now - lastProgress < stallTimeout else {
                logger.warning("changelog ended before its high watermark; treating the rest as markers", metadata: ["store": "\(store.name)", "at": "\(next)", "high": "\(high)"])
                break
            }
            let records = try consumer.poll(maxRecords: batchSize, timeout: .milliseconds(200)).filter { $0.offset >= next }
            if let last = records.last {
                next = last.offset + 1
                lastProgress = clock.now
            }
            applied += try store.applyChangelog(records, through: next)
        }
        let seconds = began.duration(to: clock.now)
        Timer(label: "tributary_restore_seconds", dimensions: [("store", store.name)]).recordNanoseconds(Int64(seconds.components.seconds) * 1_000_000_000 + seconds.components.attoseconds / 1_000_000_000)
        logger.info("store restored from its changelog", metadata: [
            "store": "\(store.name)", "changelog": "\(store.changelog)", "from": "\(start)", "to": "\(high)", "records": "\(applied)", "seconds": "\(seconds)",
        ])
        return applied
    }
}
