/// A failure reported by RocksDB, with the database directory it concerns.
public struct RocksDBError: Error, Sendable, CustomStringConvertible {
    /// What kind of operation failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Opening (or creating) the database failed: a bad path, a lock held by another process, corruption.
        public static let openFailed = Code("open failed")
        /// A read (get or iteration) failed.
        public static let readFailed = Code("read failed")
        /// A write (put, delete or batch) failed.
        public static let writeFailed = Code("write failed")
        /// The database was used after `close()`.
        public static let closed = Code("database closed")
        /// A column family was named that the database was not opened with.
        public static let unknownColumnFamily = Code("unknown column family")

        public var description: String { name }
    }

    /// What kind of operation failed.
    public var code: Code
    /// RocksDB's own message, or ours where RocksDB gave none.
    public var message: String
    /// The database directory.
    public var path: String

    public init(code: Code, message: String, path: String) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String { "RocksDB \(code) (\(path)): \(message)" }
}
