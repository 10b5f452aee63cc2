import Foundation

/// One figure for the memory a runner instance may use, split between the places that buffer data:
/// RocksDB (one block cache shared by every store, and memtables), librdkafka (each stream thread's
/// consumer prefetch queue and producer queue), and records fetched but not yet processed.
///
/// The split, of the total T (librdkafka's shares and the buffered records' share divided among the
/// instance's stream threads):
///
/// | share | what | bound |
/// |---:|---|---|
/// | 25 % | RocksDB block cache, one LRU cache for all stores | strict (LRU capacity) |
/// | 20 % | RocksDB memtables, for ``stores`` stores | per store: 2 memtables of 1/(2 × stores) of the share each |
/// | 20 % | consumer prefetch | half `queued.max.messages.kbytes`, a quarter `fetch.max.bytes` (one fetch in flight per broker overshoots the queue) |
/// | 10 % | producer queue | `queue.buffering.max.kbytes` |
/// | 10 % | fetched records buffered, not yet processed | ``bufferedBytesPerThread`` (keys, values, headers and a fixed overhead per record), over all of a thread's tasks |
/// | 15 % | not allotted | stores' uncommitted write caches (bounded by the commit interval), code, thread stacks, allocator slack |
///
/// RocksDB 7.8.3's C API has no write buffer manager shared across databases, so memtables are bounded
/// per store, from the number of stores the instance opens when it runs every task itself (an upper
/// bound when several instances share the work); a memtable is never below 64 KiB (RocksDB's own floor),
/// so very many stores under a small budget exceed the memtable share. librdkafka counts payload
/// bytes only; its per-message overhead is why the consumer queue gets half its share.
public struct MemoryBudget: Sendable, Equatable, CustomStringConvertible {
    /// The budget when none is given: `runner run --memory-budget-mb` defaults to it.
    public static let defaultMegabytes = 512
    /// Never fewer buffered bytes per stream thread than this: one poll hands out up to
    /// ``StreamsConfiguration/maxPollRecords`` (1,000) records at once, and a bound below a poll's worth
    /// of ordinary records would pause on every poll.
    public static let minimumBufferedBytesPerThread = 1 << 20

    /// The whole budget, in bytes.
    public let totalBytes: Int
    /// Stream threads sharing the librdkafka shares (over every topology of a runner).
    public let streamThreads: Int
    /// Stores the memtable share is divided among.
    public let stores: Int

    /// Bytes of the shared RocksDB block cache.
    public let blockCacheBytes: Int
    /// One memtable's size, per column family of a store.
    public let writeBufferBytes: Int
    /// Memtables per column family: with ``writeBufferBytes``, a store's memtable bound.
    public let maxWriteBuffers: Int
    /// librdkafka `queued.max.messages.kbytes` of each stream thread's consumer.
    public let consumerQueueKilobytes: Int
    /// librdkafka `fetch.max.bytes`: one Fetch response, per broker.
    public let fetchMaxBytes: Int
    /// librdkafka `max.partition.fetch.bytes`: one partition's part of a Fetch response.
    public let partitionFetchMaxBytes: Int
    /// librdkafka `queue.buffering.max.kbytes` of each stream thread's producer.
    public let producerQueueKilobytes: Int
    /// Bytes of records a stream thread may have fetched but not processed before it pauses the
    /// partitions holding them (``BackPressure``).
    public let bufferedBytesPerThread: Int

    /// Splits `megabytes` MiB among the places above.
    ///
    /// - Parameters:
    ///   - megabytes: the instance's total, at least 1.
    ///   - streamThreads: how many stream threads (of every topology) share the instance, at least 1.
    ///   - stores: how many state stores the instance's tasks (and global tables) open.
    public init(megabytes: Int, streamThreads: Int = 1, stores: Int = 16) {
        let mebibyte = 1024 * 1024
        let total = max(megabytes, 1) * mebibyte
        let threads = max(streamThreads, 1)
        totalBytes = total
        self.streamThreads = threads
        self.stores = max(stores, 1)
        blockCacheBytes = total / 4
        maxWriteBuffers = 2
        writeBufferBytes = max(total / 5 / self.stores / maxWriteBuffers, 64 * 1024)
        let consumerBytes = total / 5 / threads
        consumerQueueKilobytes = max(consumerBytes / 2 / 1024, 1024)
        // librdkafka refuses a fetch.max.bytes below message.max.bytes (1,000,000 by default).
        fetchMaxBytes = max(consumerBytes / 4, mebibyte)
        partitionFetchMaxBytes = min(mebibyte, max(fetchMaxBytes / 16, 64 * 1024))
        producerQueueKilobytes = max(total / 10 / threads / 1024, 1024)
        bufferedBytesPerThread = max(total / 10 / threads, Self.minimumBufferedBytesPerThread)
    }

    /// The budget for `topologies` running in one instance with every task here, each topology on its
    /// number of stream threads: a task per partition number of each sub-topology (its sources' largest
    /// partition count), each with the sub-topology's stores, plus each thread's copy of every global table.
    ///
    /// - Parameter partitionCounts: partitions per topic; a topic missing from it counts as one.
    public init(megabytes: Int, for topologies: [(topology: Topology, streamThreads: Int)], partitionCounts: [String: Int]) {
        var stores = 0
        for (topology, threads) in topologies {
            for (subtopology, partitions) in zip(topology.subtopologies, topology.taskCounts(partitionCounts: partitionCounts)) {
                stores += partitions * subtopology.stores.count
            }
            stores += topology.globalTables.count * threads
        }
        self.init(megabytes: megabytes, streamThreads: topologies.map(\.streamThreads).reduce(0, +), stores: stores)
    }

    /// The consumer properties the budget sets; properties the user gives win over them.
    public var consumerProperties: [String: String] {
        [
            "queued.max.messages.kbytes": "\(consumerQueueKilobytes)",
            "fetch.max.bytes": "\(fetchMaxBytes)",
            "max.partition.fetch.bytes": "\(partitionFetchMaxBytes)",
        ]
    }

    /// The producer properties the budget sets; properties the user gives win over them.
    public var producerProperties: [String: String] {
        ["queue.buffering.max.kbytes": "\(producerQueueKilobytes)"]
    }

    /// Memtable bounds for every store opened under this budget (the shared cache is added by
    /// ``StreamsConfiguration``, which owns it).
    func storeOptions(blockCache: RocksDBBlockCache) -> RocksDBOptions {
        var options = RocksDBOptions()
        options.writeBufferSizeBytes = writeBufferBytes
        options.maxWriteBufferNumber = maxWriteBuffers
        // Both column families of a store (data, metadata) count against the same store bound.
        options.databaseWriteBufferSizeBytes = writeBufferBytes * maxWriteBuffers
        options.blockCache = blockCache
        return options
    }

    /// The split in one line, for the start-up log.
    public var description: String {
        let mebibytes = { (bytes: Int) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        return "memory budget \(mebibytes(totalBytes)): RocksDB block cache \(mebibytes(blockCacheBytes)) shared by all stores, "
            + "memtables \(maxWriteBuffers) × \(mebibytes(writeBufferBytes)) per store (\(stores) stores); "
            + "per stream thread (\(streamThreads)): consumer queue \(mebibytes(consumerQueueKilobytes * 1024)), "
            + "fetch \(mebibytes(fetchMaxBytes)) (\(mebibytes(partitionFetchMaxBytes)) per partition), "
            + "producer queue \(mebibytes(producerQueueKilobytes * 1024)); "
            + "partitions with buffered records pause above \(mebibytes(bufferedBytesPerThread)) of them"
    }
}
