/// How a RocksDB database is opened.
public struct RocksDBOptions: Sendable {
    /// Create the directory and database when they do not exist yet.
    public var createIfMissing: Bool = true
    /// Size of one memtable before it is flushed to disk.
    public var writeBufferSizeBytes: Int = 16 * 1024 * 1024
    /// `fsync` the write-ahead log on every write. Off by default: state stores are rebuilt from
    /// changelogs, so a lost tail of the WAL after a machine crash costs a restore, never correctness.
    public var syncWrites: Bool = false

    public init() {}
}
