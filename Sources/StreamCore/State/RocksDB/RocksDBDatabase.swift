import CRocksDB
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One RocksDB database on disk, with its column families.
///
/// The only owner of the C handles: the database, its options and its column-family handles are
/// created in `init` and destroyed exactly once, in `close()` or `deinit`. Column-family handles are
/// destroyed before the database, as RocksDB requires.
///
/// - Important: Thread-safe. Every call holds an internal lock for the duration of the C call, so a
///   `close()` can never free a handle another thread is using.
public final class RocksDBDatabase: Sendable {
    /// The column family every database has.
    public static let defaultColumnFamily = "default"

    /// The directory the database lives in.
    public let path: String
    /// The column families the database was opened with, `default` included.
    public let columnFamilies: [String]

    // Unchecked: RocksDB's handles are thread-safe objects, and these are only used under `handles`' lock.
    private struct Handles: @unchecked Sendable {
        let database: OpaquePointer
        let options: OpaquePointer
        let readOptions: OpaquePointer
        let writeOptions: OpaquePointer
        let columnFamilies: [String: OpaquePointer]
        let columnFamilyOptions: OpaquePointer

        func destroy() {
            for handle in columnFamilies.values { rocksdb_column_family_handle_destroy(handle) }
            rocksdb_close(database)
            rocksdb_options_destroy(columnFamilyOptions)
            rocksdb_readoptions_destroy(readOptions)
            rocksdb_writeoptions_destroy(writeOptions)
            rocksdb_options_destroy(options)
        }
    }

    private let handles: Mutex<Handles?>
    /// Held so that a shared cache outlives this database: released only after `deinit` has closed it.
    private let blockCache: RocksDBBlockCache?

    /// Opens (and by default creates) the database in `path` with the given column families, which are
    /// created when missing. Column families already on disk but not named are opened too, so that
    /// opening never fails on a database written by a newer topology.
    ///
    /// - Throws: ``RocksDBError`` with code `openFailed`, carrying RocksDB's message.
    public init(path: String, columnFamilies requested: [String] = [], options: RocksDBOptions = RocksDBOptions()) throws(RocksDBError) {
        self.path = path
        blockCache = options.blockCache
        let dbOptions = rocksdb_options_create()!
        rocksdb_options_set_create_if_missing(dbOptions, options.createIfMissing ? 1 : 0)
        rocksdb_options_set_create_missing_column_families(dbOptions, 1)
        rocksdb_options_set_info_log_level(dbOptions, options.infoLogLevel.rawValue)
        if let bytes = options.databaseWriteBufferSizeBytes { rocksdb_options_set_db_write_buffer_size(dbOptions, bytes) }
        Self.applyColumnFamilyOptions(options, to: dbOptions)
        let cfOptions = rocksdb_options_create()!
        Self.applyColumnFamilyOptions(options, to: cfOptions)

        var names = [Self.defaultColumnFamily]
        for name in Self.existingColumnFamilies(path: path, options: dbOptions) + requested where !names.contains(name) {
            names.append(name)
        }

        var cfHandles = [OpaquePointer?](repeating: nil, count: names.count)
        var error: UnsafeMutablePointer<CChar>?
        let database: OpaquePointer? = withCStrings(names) { namePointers in
            var optionPointers = [OpaquePointer?](repeating: cfOptions, count: names.count)
            return rocksdb_open_column_families(
                dbOptions, path, Int32(names.count), namePointers, &optionPointers, &cfHandles, &error)
        }
        if let message = Self.takeError(&error) ?? (database == nil ? "unknown error" : nil) {
            rocksdb_options_destroy(cfOptions)
            rocksdb_options_destroy(dbOptions)
            throw RocksDBError(code: .openFailed, message: message, path: path)
        }

        let writeOptions = rocksdb_writeoptions_create()!
        rocksdb_writeoptions_set_sync(writeOptions, options.syncWrites ? 1 : 0)
        var byName: [String: OpaquePointer] = [:]
        for (name, handle) in zip(names, cfHandles) { byName[name] = handle! }
        self.columnFamilies = names
        self.handles = Mutex(Handles(
            database: database!, options: dbOptions, readOptions: rocksdb_readoptions_create()!,
            writeOptions: writeOptions, columnFamilies: byName, columnFamilyOptions: cfOptions))
    }

    deinit { close() }

    /// Closes the database, releasing its lock file. Later calls throw `closed`; closing twice is harmless.
    public func close() {
        handles.withLock { handles in
            handles?.destroy()
            handles = nil
        }
    }

    /// The value stored under `key`, or `nil` when there is none.
    public func get(_ key: [UInt8], in columnFamily: String = defaultColumnFamily) throws(RocksDBError) -> [UInt8]? {
        try withOpenHandles { handles throws(RocksDBError) in
            let family = try family(columnFamily, in: handles)
            var length = 0
            var error: UnsafeMutablePointer<CChar>?
            let value = key.withUnsafeBufferPointer { key in
                rocksdb_get_cf(handles.database, handles.readOptions, family, key.baseAddress, key.count, &length, &error)
            }
            if let message = Self.takeError(&error) {
                throw RocksDBError(code: .readFailed, message: message, path: path)
            }
            guard let value else { return nil }
            defer { rocksdb_free(value) }
            return value.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
        }
    }

    /// Stores `value` under `key`.
    public func put(_ key: [UInt8], _ value: [UInt8], in columnFamily: String = defaultColumnFamily) throws(RocksDBError) {
        var batch = RocksDBWriteBatch()
        batch.put(key, value, in: columnFamily)
        try write(batch)
    }

    /// Removes `key`; removing a missing key is not an error.
    public func delete(_ key: [UInt8], in columnFamily: String = defaultColumnFamily) throws(RocksDBError) {
        var batch = RocksDBWriteBatch()
        batch.delete(key, in: columnFamily)
        try write(batch)
    }

    /// Applies every operation of `batch` atomically.
    public func write(_ batch: RocksDBWriteBatch) throws(RocksDBError) {
        try withOpenHandles { handles throws(RocksDBError) in
            let writeBatch = rocksdb_writebatch_create()!
            defer { rocksdb_writebatch_destroy(writeBatch) }
            for operation in batch.operations {
                switch operation {
                case .put(let columnFamily, let key, let value):
                    let family = try family(columnFamily, in: handles)
                    key.withUnsafeBufferPointer { key in
                        value.withUnsafeBufferPointer { value in
                            rocksdb_writebatch_put_cf(writeBatch, family, key.baseAddress, key.count, value.baseAddress, value.count)
                        }
                    }
                case .delete(let columnFamily, let key):
                    let family = try family(columnFamily, in: handles)
                    key.withUnsafeBufferPointer { key in
                        rocksdb_writebatch_delete_cf(writeBatch, family, key.baseAddress, key.count)
                    }
                case .deleteRange(let columnFamily, let range):
                    let family = try family(columnFamily, in: handles)
                    // RocksDB's range delete needs both ends; an open range is closed with the
                    // smallest key and with a key above every key the store can hold.
                    let start = range.lowerBound ?? []
                    let end = range.upperBound ?? [UInt8](repeating: 0xFF, count: 4096)
                    start.withUnsafeBufferPointer { start in
                        end.withUnsafeBufferPointer { end in
                            rocksdb_writebatch_delete_range_cf(writeBatch, family, start.baseAddress, start.count, end.baseAddress, end.count)
                        }
                    }
                }
            }
            var error: UnsafeMutablePointer<CChar>?
            rocksdb_write(handles.database, handles.writeOptions, writeBatch, &error)
            if let message = Self.takeError(&error) {
                throw RocksDBError(code: .writeFailed, message: message, path: path)
            }
        }
    }

    /// The entries in `range`, in key order (or reverse key order), at most `limit` of them.
    ///
    /// Returns copies, so callers page through large ranges by asking again from just after the
    /// last key; no iterator escapes, and none can outlive the database.
    public func entries(
        in range: RocksDBKeyRange = .all,
        columnFamily: String = defaultColumnFamily,
        reverse: Bool = false,
        limit: Int = .max
    ) throws(RocksDBError) -> [(key: [UInt8], value: [UInt8])] {
        try withOpenHandles { handles throws(RocksDBError) in
            let family = try family(columnFamily, in: handles)
            let readOptions = rocksdb_readoptions_create()!
            defer { rocksdb_readoptions_destroy(readOptions) }
            // The bounds are read by RocksDB for the iterator's whole life: they are owned here and
            // freed only after the iterator (declared later, destroyed first).
            let lower = range.lowerBound.map(CBytes.init)
            let upper = range.upperBound.map(CBytes.init)
            if let lower { rocksdb_readoptions_set_iterate_lower_bound(readOptions, lower.pointer, lower.count) }
            if let upper { rocksdb_readoptions_set_iterate_upper_bound(readOptions, upper.pointer, upper.count) }
            let iterator = rocksdb_create_iterator_cf(handles.database, readOptions, family)!
            defer { rocksdb_iter_destroy(iterator) }

            if reverse { rocksdb_iter_seek_to_last(iterator) } else { rocksdb_iter_seek_to_first(iterator) }
            var result: [(key: [UInt8], value: [UInt8])] = []
            while result.count < limit, rocksdb_iter_valid(iterator) != 0 {
                result.append((key: Self.copy(rocksdb_iter_key, iterator), value: Self.copy(rocksdb_iter_value, iterator)))
                if reverse { rocksdb_iter_prev(iterator) } else { rocksdb_iter_next(iterator) }
            }
            var error: UnsafeMutablePointer<CChar>?
            rocksdb_iter_get_error(iterator, &error)
            if let message = Self.takeError(&error) {
                throw RocksDBError(code: .readFailed, message: message, path: path)
            }
            return result
        }
    }

    /// RocksDB's estimate of the number of keys in `columnFamily` (`rocksdb.estimate-num-keys`): cheap,
    /// approximate (deletes and overwrites not yet compacted are counted), for metrics.
    public func estimatedKeyCount(in columnFamily: String = defaultColumnFamily) throws(RocksDBError) -> Int {
        try withOpenHandles { handles throws(RocksDBError) in
            let family = try family(columnFamily, in: handles)
            guard let text = rocksdb_property_value_cf(handles.database, family, "rocksdb.estimate-num-keys") else { return 0 }
            defer { rocksdb_free(text) }
            return Int(String(cString: text)) ?? 0
        }
    }

    // MARK: - C plumbing

    /// Memtable bounds and the table factory, which every column family takes from its own options.
    private static func applyColumnFamilyOptions(_ options: RocksDBOptions, to cOptions: OpaquePointer) {
        rocksdb_options_set_write_buffer_size(cOptions, options.writeBufferSizeBytes)
        if let count = options.maxWriteBufferNumber { rocksdb_options_set_max_write_buffer_number(cOptions, Int32(count)) }
        guard let blockCache = options.blockCache else { return }
        // The factory copies the table options, cache reference included: the C table options are
        // needed only for this call.
        let tableOptions = rocksdb_block_based_options_create()!
        defer { rocksdb_block_based_options_destroy(tableOptions) }
        blockCache.withCache { rocksdb_block_based_options_set_block_cache(tableOptions, $0) }
        rocksdb_options_set_block_based_table_factory(cOptions, tableOptions)
    }

    private func withOpenHandles<Result: Sendable>(_ body: (borrowing Handles) throws(RocksDBError) -> Result) throws(RocksDBError) -> Result {
        let outcome: Swift.Result<Result, RocksDBError> = handles.withLock { handles in
            guard let open = handles else {
                return .failure(RocksDBError(code: .closed, message: "the database was closed", path: path))
            }
            do throws(RocksDBError) { return .success(try body(open)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    private func family(_ name: String, in handles: borrowing Handles) throws(RocksDBError) -> OpaquePointer {
        guard let family = handles.columnFamilies[name] else {
            throw RocksDBError(code: .unknownColumnFamily, message: "no column family '\(name)'; opened with \(columnFamilies)", path: path)
        }
        return family
    }

    /// Turns RocksDB's malloc'd error string into a Swift string and frees it.
    private static func takeError(_ error: inout UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer = error else { return nil }
        defer { rocksdb_free(pointer); error = nil }
        return String(cString: pointer)
    }

    /// Copies the iterator's current key or value: the bytes are valid only until the iterator moves.
    private static func copy(
        _ accessor: (OpaquePointer?, UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>?,
        _ iterator: OpaquePointer
    ) -> [UInt8] {
        var length = 0
        guard let bytes = accessor(iterator, &length) else { return [] }
        return bytes.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    private static func existingColumnFamilies(path: String, options: OpaquePointer) -> [String] {
        var count = 0
        var error: UnsafeMutablePointer<CChar>?
        // RocksDB returns an (empty) array even when it also reports an error, so both are released.
        let list = rocksdb_list_column_families(options, path, &count, &error)
        defer { if let list { rocksdb_list_column_families_destroy(list, count) } }
        // An error means the database does not exist yet: it simply has no column families.
        guard takeError(&error) == nil, let list else { return [] }
        return (0..<count).compactMap { list[$0].map { String(cString: $0) } }
    }
}

/// A C copy of a byte array whose address stays fixed, for RocksDB arguments that must outlive a call.
private final class CBytes {
    let pointer: UnsafeMutablePointer<CChar>
    let count: Int

    init(_ bytes: [UInt8]) {
        count = bytes.count
        pointer = .allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBytes { UnsafeMutableRawPointer(pointer).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    deinit { pointer.deallocate() }
}

/// Calls `body` with C strings for `strings`, valid for the duration of the call.
private func withCStrings<Result>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) })
}
