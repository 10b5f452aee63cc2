/// Writes applied atomically by ``RocksDBDatabase/write(_:)``: all of them, or none after a crash.
///
/// A plain value: the C write batch exists only for the duration of `write`, so a batch can be
/// built anywhere and never outlives (or dangles into) a closed database.
public struct RocksDBWriteBatch: Sendable {
    enum Operation: Sendable {
        case put(columnFamily: String, key: [UInt8], value: [UInt8])
        case delete(columnFamily: String, key: [UInt8])
        case deleteRange(columnFamily: String, range: RocksDBKeyRange)
    }

    private(set) var operations: [Operation] = []

    public init() {}

    /// Number of operations recorded.
    public var count: Int { operations.count }
    public var isEmpty: Bool { operations.isEmpty }

    /// Sets `key` to `value` in `columnFamily`.
    public mutating func put(_ key: [UInt8], _ value: [UInt8], in columnFamily: String = RocksDBDatabase.defaultColumnFamily) {
        operations.append(.put(columnFamily: columnFamily, key: key, value: value))
    }

    /// Removes `key` from `columnFamily`.
    public mutating func delete(_ key: [UInt8], in columnFamily: String = RocksDBDatabase.defaultColumnFamily) {
        operations.append(.delete(columnFamily: columnFamily, key: key))
    }

    /// Removes every key in `range` from `columnFamily`.
    public mutating func deleteRange(_ range: RocksDBKeyRange, in columnFamily: String = RocksDBDatabase.defaultColumnFamily) {
        operations.append(.deleteRange(columnFamily: columnFamily, range: range))
    }

    /// Forgets every recorded operation.
    public mutating func removeAll() {
        operations.removeAll(keepingCapacity: true)
    }
}
