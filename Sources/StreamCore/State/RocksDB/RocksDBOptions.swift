/// How a RocksDB database is opened.
public struct RocksDBOptions: Sendable {
    /// Create the directory and database when they do not exist yet.
    public var createIfMissing: Bool = true
    /// Size of one memtable (per column family) before it is flushed to disk.
    public var writeBufferSizeBytes: Int = 16 * 1024 * 1024
    /// Memtables a column family may hold (one being written, the others waiting to be flushed); with
    /// `writeBufferSizeBytes` it bounds a column family's memtable memory. `nil` keeps RocksDB's default (2).
    public var maxWriteBufferNumber: Int? = nil
    /// Memtable memory across all column families of the database, after which the largest is flushed
    /// (RocksDB's `db_write_buffer_size`). `nil` for no database-wide bound. RocksDB 7.8.3's C API has
    /// no write buffer manager that several databases could share, so this is the widest bound there is.
    public var databaseWriteBufferSizeBytes: Int? = nil
    /// The block cache to share with other databases; `nil` gives the database RocksDB's own default cache.
    public var blockCache: RocksDBBlockCache? = nil
    /// `fsync` the write-ahead log on every write. Off by default: state stores are rebuilt from
    /// changelogs, so a lost tail of the WAL after a machine crash costs a restore, never correctness.
    public var syncWrites: Bool = false

    /// The least severe message RocksDB writes to its own `LOG` file in the database directory.
    /// `fatal` by default (Kafka Streams keeps `ERROR`): that file lives on the state disk, and on a
    /// full disk RocksDB 7.8.3 aborts the process when it writes a `LOG` line after one that failed —
    /// error paths log several. At `fatal` only the options header is written, when a database opens.
    public var infoLogLevel: InfoLogLevel = .fatal

    /// RocksDB's `InfoLogLevel`.
    public enum InfoLogLevel: Int32, Sendable {
        case debug = 0, info, warning, error, fatal
    }

    public init() {}
}
