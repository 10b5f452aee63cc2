import Foundation

/// One task's state store: RocksDB on disk, a write-back cache in front of it, and a changelog
/// partition behind it from which the store can always be rebuilt. Window and session stores are
/// views over one of these with their own key layout (``WindowStoreLayout``).
///
/// Writes stay in the cache until ``flush(to:checkpoint:)``: a key written many times between flushes
/// costs one changelog record. A flush first has the changelog records acknowledged, then writes the
/// data, the next changelog offset and the task's ``TaskCheckpoint`` in one RocksDB batch, so local
/// state never claims more than the changelog holds. The checkpoint also goes to the changelog (a
/// record with the ``checkpointHeader``), so a store rebuilt from the changelog alone knows which
/// inputs it reflects.
///
/// - Important: Not thread-safe for writes: the task that owns it makes every write. Reads of flushed
///   state through ``database`` are safe from any thread (interactive queries).
public final class KeyValueStore {
    /// The store's name in the topology.
    public let name: String
    /// The changelog partition this store writes to and restores from.
    public let changelog: TopicPartition
    let database: RocksDBDatabase
    /// Dirty entries since the last flush; `nil` is a delete.
    private var cache = WriteCache()
    /// The cache entries as they were before the current input record, while one is being processed.
    private var undoLog: [[UInt8]: [UInt8]??]?
    /// What the last flush wrote: a flush with no changes and the same checkpoint writes nothing, so an
    /// idle store does not grow its changelog (which the dev broker never compacts) every commit.
    private var flushedCheckpoint: TaskCheckpoint?
    /// A lineage to write with the next flush (a store that has none yet).
    private var unrecordedLineage: StoreLineage?

    static let dataFamily = "data"
    static let metadataFamily = "metadata"
    static let changelogOffsetKey = Array("changelog-offset".utf8)
    static let taskCheckpointKey = Array("task-checkpoint".utf8)
    /// Marks a changelog record that carries a ``TaskCheckpoint`` rather than data.
    public static let checkpointHeader = "tributary.checkpoint"
    static let lineageKey = Array("store-lineage".utf8)
    /// Marks a changelog record that carries the store's ``StoreLineage`` rather than data.
    public static let lineageHeader = "tributary.lineage"
    /// Metadata records of the changelog: restored into the metadata family, never into the data.
    static let metadataHeaders: [String: [UInt8]] = [checkpointHeader: taskCheckpointKey, lineageHeader: lineageKey]

    /// Opens (or creates) the store in `directory`, with `options` (a memory budget's shared block
    /// cache and memtable bounds, or RocksDB's defaults).
    public convenience init(name: String, directory: String, changelog: TopicPartition, options: RocksDBOptions = RocksDBOptions()) throws(RocksDBError) {
        self.init(name: name, changelog: changelog, database: try Self.openDatabase(in: directory, options: options))
    }

    /// Makes the store over `database`, opened with ``openDatabase(in:options:)``.
    init(name: String, changelog: TopicPartition, database: RocksDBDatabase) {
        self.name = name
        self.changelog = changelog
        self.database = database
    }

    /// Opens (or creates) the database of a store in `directory`: the first half of ``init(name:directory:changelog:options:)``,
    /// which may run on any thread (``StreamTask`` opens many at once).
    static func openDatabase(in directory: String, options: RocksDBOptions) throws(RocksDBError) -> RocksDBDatabase {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try RocksDBDatabase(path: directory, columnFamilies: [dataFamily, metadataFamily], options: options)
    }

    /// The value of `key`, from the cache or the database.
    public func get(_ key: [UInt8]) throws(RocksDBError) -> [UInt8]? {
        if let cached = cache[key] { return cached }
        return try database.get(key, in: Self.dataFamily)
    }

    public func put(_ key: [UInt8], _ value: [UInt8]) {
        write(key, value)
    }

    public func delete(_ key: [UInt8]) {
        write(key, nil)
    }

    private func write(_ key: [UInt8], _ value: [UInt8]?) {
        if undoLog != nil, undoLog?[key] == nil { undoLog?[key] = .some(cache[key]) }
        cache.write(key, value)
    }

    /// Starts recording changes so that ``rollBackRecord()`` can undo them: an input record whose
    /// processing fails must leave no trace in state.
    func beginRecord() {
        undoLog = [:]
    }

    /// Keeps the changes since ``beginRecord()``.
    func endRecord() {
        undoLog = nil
    }

    /// Undoes the changes since ``beginRecord()``.
    func rollBackRecord() {
        for (key, previous) in undoLog ?? [:] {
            if let previous { cache.write(key, previous) } else { cache.forget(key) }
        }
        undoLog = nil
    }

    /// Entries not yet flushed.
    public var dirtyCount: Int { cache.count }

    /// The entries in `range` in key order, unflushed writes included.
    public func entries(in range: RocksDBKeyRange = .all) throws(RocksDBError) -> [(key: [UInt8], value: [UInt8])] {
        let stored = try database.entries(in: range, columnFamily: Self.dataFamily)
        let dirty = cache.writes(in: range)
        guard !dirty.isEmpty else { return stored }
        // Both are in key order: merged in one pass, a write replacing (or deleting) the stored entry.
        var merged: [(key: [UInt8], value: [UInt8])] = []
        merged.reserveCapacity(stored.count + dirty.count)
        var (storedIndex, dirtyIndex) = (0, 0)
        while storedIndex < stored.count || dirtyIndex < dirty.count {
            if dirtyIndex == dirty.count || (storedIndex < stored.count && stored[storedIndex].key.lexicographicallyPrecedes(dirty[dirtyIndex].key)) {
                merged.append(stored[storedIndex])
                storedIndex += 1
                continue
            }
            let write = dirty[dirtyIndex]
            if storedIndex < stored.count, stored[storedIndex].key == write.key { storedIndex += 1 }
            if let value = write.value { merged.append((write.key, value)) }
            dirtyIndex += 1
        }
        return merged
    }

    /// The next changelog offset this store's local state reflects; `nil` when it reflects none.
    public var changelogOffset: Int64? {
        get throws(RocksDBError) {
            try database.get(Self.changelogOffsetKey, in: Self.metadataFamily).flatMap(Self.decodeOffset)
        }
    }

    /// What wrote the flushed state (restored from the changelog too); nil for a store written before
    /// lineages were kept, or never written.
    public var lineage: StoreLineage? {
        get throws(RocksDBError) {
            try database.get(Self.lineageKey, in: Self.metadataFamily).flatMap(StoreLineage.init(encoded:))
        }
    }

    /// Has the next flush record `lineage` as what writes the store from now on.
    public func record(_ lineage: StoreLineage) {
        unrecordedLineage = lineage
    }

    /// What the flushed state reflects, as given to the last flush (or restored from the changelog).
    public var taskCheckpoint: TaskCheckpoint? {
        get throws(RocksDBError) {
            try database.get(Self.taskCheckpointKey, in: Self.metadataFamily).flatMap(TaskCheckpoint.init(encoded:))
        }
    }

    /// Sends the dirty entries and `checkpoint` to the changelog, waits for the broker to acknowledge
    /// them (and everything enqueued on `producer` before), then writes them locally with the new
    /// changelog offset, atomically.
    ///
    /// - Throws: ``StateStoreError`` when a changelog record was not acknowledged: nothing is written
    ///   locally then, and the cache keeps the entries for the next attempt.
    public func flush(to producer: KafkaProducer, checkpoint: TaskCheckpoint) throws(StateStoreError) {
        guard let pending = try sendChangelog(to: producer, checkpoint: checkpoint) else { return }
        do {
            try producer.flush()
        } catch {
            throw StateStoreError(store: name, changelog: changelog, message: "changelog write failed: \(error)")
        }
        try writeLocally(pending)
    }

    /// The first half of a flush: enqueues the dirty entries and `checkpoint` on the changelog without
    /// waiting. Under exactly-once the records join the producer's transaction, and
    /// ``writeLocally(_:)`` follows only once it committed, so local state never reflects an aborted one.
    ///
    /// - Returns: what ``writeLocally(_:)`` writes; `nil` when nothing changed since the last flush.
    /// - Important: No write may reach the store between this and ``writeLocally(_:)`` or
    ///   ``discardUncommitted()``.
    func sendChangelog(to producer: KafkaProducer, checkpoint: TaskCheckpoint) throws(StateStoreError) -> PendingStoreFlush? {
        guard !cache.isEmpty || checkpoint != flushedCheckpoint || unrecordedLineage != nil else { return nil }
        let pending = PendingStoreFlush(entries: cache.writesInKeyOrder, checkpoint: checkpoint, lineage: unrecordedLineage)
        do throws(KafkaError) {
            if let unrecordedLineage {
                try producer.enqueueWaitingForRoom(ProducerRecord(
                    topic: changelog.topic, partition: changelog.partition, key: Self.lineageKey, value: unrecordedLineage.encoded,
                    headers: [KafkaHeader(Self.lineageHeader, "1")]), completion: pending.acknowledgements.record)
            }
            for (key, value) in pending.entries {
                try producer.enqueueWaitingForRoom(ProducerRecord(topic: changelog.topic, partition: changelog.partition, key: key, value: value), completion: pending.acknowledgements.record)
            }
            let marker = ProducerRecord(
                topic: changelog.topic, partition: changelog.partition, key: Self.taskCheckpointKey, value: checkpoint.encoded,
                headers: [KafkaHeader(Self.checkpointHeader, "1")])
            try producer.enqueueWaitingForRoom(marker, completion: pending.acknowledgements.record)
        } catch {
            throw StateStoreError(store: name, changelog: changelog, message: "changelog write failed: \(error)")
        }
        return pending
    }

    /// The second half of a flush, once `pending`'s changelog records are acknowledged (or their
    /// transaction committed): the entries, the next changelog offset and the checkpoint in one batch.
    ///
    /// - Throws: ``StateStoreError`` when a changelog record was not acknowledged (nothing is written)
    ///   or RocksDB refused the batch.
    func writeLocally(_ pending: PendingStoreFlush) throws(StateStoreError) {
        if let failure = pending.acknowledgements.firstFailure {
            throw StateStoreError(store: name, changelog: changelog, message: "changelog write failed: \(failure)")
        }
        var batch = RocksDBWriteBatch()
        for (key, value) in pending.entries {
            if let value { batch.put(key, value, in: Self.dataFamily) } else { batch.delete(key, in: Self.dataFamily) }
        }
        if let highestOffset = pending.acknowledgements.highestOffset(in: changelog) {
            batch.put(Self.changelogOffsetKey, Self.encodeOffset(highestOffset + 1), in: Self.metadataFamily)
        }
        batch.put(Self.taskCheckpointKey, pending.checkpoint.encoded, in: Self.metadataFamily)
        if let lineage = pending.lineage { batch.put(Self.lineageKey, lineage.encoded, in: Self.metadataFamily) }
        do {
            try database.write(batch)
        } catch {
            throw StateStoreError(store: name, changelog: changelog, message: "local write failed: \(error)", localFailure: error)
        }
        cache.removeAll()
        flushedCheckpoint = pending.checkpoint
        unrecordedLineage = nil
    }

    /// Drops every write since the last flush (an aborted transaction): the store is back to what its
    /// local state holds, which is what the last committed transaction left.
    func discardUncommitted() {
        cache.removeAll()
        undoLog = nil
    }

    /// Applies changelog records to the local state as they are (a restore, or a standby replica
    /// following the active task), last write winning, and notes `nextOffset` as the changelog offset
    /// the state now reflects, in one batch. Checkpoint and lineage records go to the metadata.
    ///
    /// The batch holds each key once, its last write, in ascending key order: RocksDB's memtable
    /// inserts a key next to the one inserted before it without searching from the top of its skip
    /// list, and that search was most of a restore's write time with the changelog's own order.
    ///
    /// - Returns: how many data records were applied.
    @discardableResult
    func applyChangelog(_ records: ArraySlice<ConsumerRecord>, through nextOffset: Int64) throws(RocksDBError) -> Int {
        try Self.applyChangelog(records, through: nextOffset, to: database)
    }

    /// ``applyChangelog(_:through:)`` on the store's `database` alone, so that it can run on another
    /// thread than the store's owner (``ChangelogWriters``): it reads and writes nothing else of the store.
    static func applyChangelog(_ records: ArraySlice<ConsumerRecord>, through nextOffset: Int64, to database: RocksDBDatabase) throws(RocksDBError) -> Int {
        var batch = RocksDBWriteBatch()
        // The data records' keys, each with its record's position: sorted by key, and within a key by
        // position, the last of each run of equal keys is its last write. The keys are taken out first so
        // that the sort compares them without reaching into the records.
        var data: [(key: [UInt8], index: Int)] = []
        data.reserveCapacity(records.count)
        for index in records.indices {
            guard let key = records[index].key else { continue }
            if let metadataKey = records[index].headers.lazy.compactMap({ metadataHeaders[$0.name] }).first {
                if let value = records[index].value { batch.put(metadataKey, value, in: metadataFamily) } else { batch.delete(metadataKey, in: metadataFamily) }
                continue
            }
            data.append((key, index))
        }
        data.sort { lhs, rhs in
            lhs.key == rhs.key ? lhs.index < rhs.index : lhs.key.lexicographicallyPrecedes(rhs.key)
        }
        for position in data.indices {
            let (key, index) = data[position]
            if position + 1 < data.count, data[position + 1].key == key { continue }
            if let value = records[index].value { batch.put(key, value, in: dataFamily) } else { batch.delete(key, in: dataFamily) }
        }
        batch.put(changelogOffsetKey, encodeOffset(nextOffset), in: metadataFamily)
        try database.write(batch)
        return data.count
    }

    /// Writes the dirty entries to RocksDB without a changelog: for stores whose source topic is their
    /// changelog (global tables), which never need more.
    func flushLocally() throws(RocksDBError) {
        guard !cache.isEmpty else { return }
        var batch = RocksDBWriteBatch()
        for (key, value) in cache.writesInKeyOrder {
            if let value { batch.put(key, value, in: Self.dataFamily) } else { batch.delete(key, in: Self.dataFamily) }
        }
        try database.write(batch)
        cache.removeAll()
    }

    /// Removes every entry and checkpoint, on disk and in the cache: local state that belongs to another
    /// changelog (a recreated topic, another cluster) is discarded before a full restore.
    func wipe() throws(RocksDBError) {
        cache.removeAll()
        var batch = RocksDBWriteBatch()
        for entry in try database.entries(columnFamily: Self.dataFamily) { batch.delete(entry.key, in: Self.dataFamily) }
        batch.delete(Self.changelogOffsetKey, in: Self.metadataFamily)
        batch.delete(Self.taskCheckpointKey, in: Self.metadataFamily)
        batch.delete(Self.lineageKey, in: Self.metadataFamily)
        try database.write(batch)
    }

    /// Closes the database; unflushed entries are dropped (the changelog and checkpoint still say where
    /// to resume, so they are processed again).
    public func close() {
        database.close()
    }

    static func encodeOffset(_ offset: Int64) -> [UInt8] { Array(String(offset).utf8) }
    static func decodeOffset(_ bytes: [UInt8]) -> Int64? { Int64(String(decoding: bytes, as: UTF8.self)) }
}
