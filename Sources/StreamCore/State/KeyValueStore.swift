import Foundation

/// One task's key-value state store: RocksDB on disk, a write-back cache in front of it, and a
/// changelog partition behind it from which the store can always be rebuilt.
///
/// Writes stay in the cache until ``flush(to:sourceOffsets:)``: a key written many times between
/// flushes costs one changelog record. A flush first has the changelog records acknowledged, then
/// writes the data, the next changelog offset (the checkpoint) and the source offsets it reflects in
/// one RocksDB batch, so local state never claims more than the changelog holds.
///
/// - Important: Not thread-safe: the task that owns it makes every call.
public final class KeyValueStore {
    /// The store's name in the topology.
    public let name: String
    /// The changelog partition this store writes to and restores from.
    public let changelog: TopicPartition
    let database: RocksDBDatabase
    /// Dirty entries since the last flush; `nil` is a delete.
    private var cache: [[UInt8]: [UInt8]?] = [:]

    static let dataFamily = "data"
    static let metadataFamily = "metadata"
    static let checkpointKey = Array("changelog-offset".utf8)

    /// Opens (or creates) the store in `directory`.
    public init(name: String, directory: String, changelog: TopicPartition) throws(RocksDBError) {
        self.name = name
        self.changelog = changelog
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try RocksDBDatabase(path: directory, columnFamilies: [Self.dataFamily, Self.metadataFamily])
    }

    /// The value of `key`, from the cache or the database.
    public func get(_ key: [UInt8]) throws(RocksDBError) -> [UInt8]? {
        if let cached = cache[key] { return cached }
        return try database.get(key, in: Self.dataFamily)
    }

    public func put(_ key: [UInt8], _ value: [UInt8]) {
        cache[key] = .some(value)
    }

    public func delete(_ key: [UInt8]) {
        cache[key] = .some(nil)
    }

    /// Entries not yet flushed.
    public var dirtyCount: Int { cache.count }

    /// Every entry in key order (flushed state only: flush first for a complete view).
    public func entries(in range: RocksDBKeyRange = .all, limit: Int = .max) throws(RocksDBError) -> [(key: [UInt8], value: [UInt8])] {
        try database.entries(in: range, columnFamily: Self.dataFamily, limit: limit)
    }

    /// The next changelog offset this store's local state reflects; `nil` when it reflects none.
    public var checkpoint: Int64? {
        get throws(RocksDBError) {
            try database.get(Self.checkpointKey, in: Self.metadataFamily).flatMap(Self.decodeOffset)
        }
    }

    /// The next source offset the flushed state reflects for `partition`, as given to a flush.
    public func appliedSourceOffset(for partition: TopicPartition) throws(RocksDBError) -> Int64? {
        try database.get(Self.sourceOffsetKey(partition), in: Self.metadataFamily).flatMap(Self.decodeOffset)
    }

    /// Sends the dirty entries to the changelog, waits for the broker to acknowledge them, then writes them
    /// locally with the new checkpoint and `sourceOffsets` (next offset per input partition) atomically.
    ///
    /// - Throws: ``StateStoreError`` when a changelog record was not acknowledged: nothing is written
    ///   locally then, and the cache keeps the entries for the next attempt.
    public func flush(to producer: KafkaProducer, sourceOffsets: [TopicPartition: Int64] = [:]) throws(StateStoreError) {
        let acknowledgements = DeliveryResults()
        do throws(KafkaError) {
            for (key, value) in cache {
                try producer.enqueueWaitingForRoom(ProducerRecord(topic: changelog.topic, partition: changelog.partition, key: key, value: value), completion: acknowledgements.record)
            }
            try producer.flush()
        } catch {
            throw StateStoreError(store: name, changelog: changelog, message: "changelog write failed: \(error)")
        }
        if let failure = acknowledgements.firstFailure {
            throw StateStoreError(store: name, changelog: changelog, message: "changelog write failed: \(failure)")
        }
        let highestOffset = acknowledgements.highestOffset(in: changelog)

        var batch = RocksDBWriteBatch()
        for (key, value) in cache {
            if let value { batch.put(key, value, in: Self.dataFamily) } else { batch.delete(key, in: Self.dataFamily) }
        }
        if let highestOffset { batch.put(Self.checkpointKey, Self.encodeOffset(highestOffset + 1), in: Self.metadataFamily) }
        for (partition, offset) in sourceOffsets {
            batch.put(Self.sourceOffsetKey(partition), Self.encodeOffset(offset), in: Self.metadataFamily)
        }
        do {
            try database.write(batch)
        } catch {
            throw StateStoreError(store: name, changelog: changelog, message: "local write failed: \(error)")
        }
        cache.removeAll(keepingCapacity: true)
    }

    /// Closes the database; unflushed entries are dropped (the changelog and source offsets still say
    /// where to resume, so they are processed again).
    public func close() {
        database.close()
    }

    static func sourceOffsetKey(_ partition: TopicPartition) -> [UInt8] {
        Array("source-offset:\(partition.topic):\(partition.partition)".utf8)
    }

    static func encodeOffset(_ offset: Int64) -> [UInt8] { Array(String(offset).utf8) }
    static func decodeOffset(_ bytes: [UInt8]) -> Int64? { Int64(String(decoding: bytes, as: UTF8.self)) }
}
