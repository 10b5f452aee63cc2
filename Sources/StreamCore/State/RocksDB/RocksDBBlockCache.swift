import CRocksDB

/// An LRU cache of RocksDB data blocks that several databases share, so that one figure bounds the
/// block memory of every store of an instance however many stores its tasks open.
///
/// - Important: Owns the C cache; it is destroyed once, in `deinit`. Every ``RocksDBDatabase`` opened
///   with it keeps a strong reference, so the cache outlives the last database using it.
public final class RocksDBBlockCache: Sendable {
    // Unchecked: RocksDB's caches are thread-safe, and the pointer itself never changes.
    private struct Handle: @unchecked Sendable {
        let cache: OpaquePointer
    }

    private let handle: Handle
    /// The cache's capacity in bytes.
    public let capacityBytes: Int

    /// Creates an LRU cache holding at most `capacityBytes` of blocks (RocksDB evicts beyond it,
    /// except blocks pinned by open iterators).
    public init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
        handle = Handle(cache: rocksdb_cache_create_lru(capacityBytes)!)
    }

    deinit { rocksdb_cache_destroy(handle.cache) }

    /// Calls `body` with the C cache, for handing it to RocksDB's table options.
    func withCache<Result>(_ body: (OpaquePointer) -> Result) -> Result { body(handle.cache) }
}
