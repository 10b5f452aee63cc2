import Logging

/// Empties a store's changelog partition for an application reset, on any broker: a tombstone for
/// every key the partition holds, then an empty ``TaskCheckpoint`` and no ``StoreLineage``. A store restored from it afterwards
/// (from scratch, or from local state that is behind) ends empty and claims no input, so its task
/// processes its input again from wherever the group's offsets now point. Deleting the topic would do
/// the same on a broker with the Admin API; tombstones work on every broker and let compaction clean up.
public enum ChangelogEraser {
    /// Erases `changelog`; returns how many keys were tombstoned.
    ///
    /// - Throws: ``KafkaError`` when the partition cannot be read or a tombstone is not acknowledged.
    @discardableResult
    public static func erase(
        _ changelog: TopicPartition, bootstrapServers: String, kafkaProperties: [String: String] = [:], logger: Logger
    ) throws(KafkaError) -> Int {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: "tributary-reset-\(changelog.topic)")
        configuration.readCommitted = false
        configuration.additionalProperties = kafkaProperties
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        defer { try? consumer.close() }
        let (low, high) = try consumer.watermarks(of: changelog)
        var keys: Set<[UInt8]> = []
        if low < high {
            try consumer.assign([changelog: low])
            var next = low
            var lastProgress = ContinuousClock.now
            // Offsets without a record (transaction markers) never arrive: stop at a quiet end.
            while next < high, lastProgress.duration(to: .now) < .seconds(10) {
                for record in try consumer.poll(maxRecords: 10_000, timeout: .milliseconds(200)) where record.offset >= next {
                    next = record.offset + 1
                    lastProgress = .now
                    guard let key = record.key, !record.headers.contains(where: { KeyValueStore.metadataHeaders[$0.name] != nil }) else { continue }
                    if record.value == nil { keys.remove(key) } else { keys.insert(key) }
                }
            }
        }
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        producerConfiguration.additionalProperties = kafkaProperties
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        defer { try? producer.close() }
        let acknowledgements = DeliveryResults()
        for key in keys {
            try producer.enqueueWaitingForRoom(ProducerRecord(topic: changelog.topic, partition: changelog.partition, key: key, value: nil), completion: acknowledgements.record)
        }
        // The store starts over: it claims no input, and the topology that writes it next is its lineage.
        try producer.enqueueWaitingForRoom(ProducerRecord(
            topic: changelog.topic, partition: changelog.partition, key: KeyValueStore.taskCheckpointKey, value: TaskCheckpoint().encoded,
            headers: [KafkaHeader(KeyValueStore.checkpointHeader, "1")]), completion: acknowledgements.record)
        try producer.enqueueWaitingForRoom(ProducerRecord(
            topic: changelog.topic, partition: changelog.partition, key: KeyValueStore.lineageKey, value: nil,
            headers: [KafkaHeader(KeyValueStore.lineageHeader, "1")]), completion: acknowledgements.record)
        try producer.flush()
        if let failure = acknowledgements.firstFailure { throw failure }
        return keys.count
    }
}
