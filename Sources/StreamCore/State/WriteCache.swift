/// A store's writes since its last flush, by key — `nil` is a delete — and in key order, so that a
/// range lookup (a window fetch, a prefix scan) finds the dirty keys it covers by binary search rather
/// than by filtering and sorting the whole cache on every lookup, a cost that grew with the cache.
struct WriteCache {
    /// The latest write of each key.
    private(set) var values: [[UInt8]: [UInt8]?] = [:]
    /// The keys of `values`, in ascending byte order.
    private var sortedKeys: [[UInt8]] = []

    var isEmpty: Bool { values.isEmpty }
    var count: Int { values.count }

    /// The latest write of `key`: `.some(nil)` for a delete, `nil` when the key was not written.
    subscript(key: [UInt8]) -> [UInt8]?? {
        values[key]
    }

    /// Records a write of `key` (`nil` deletes it).
    mutating func write(_ key: [UInt8], _ value: [UInt8]?) {
        if values.updateValue(value, forKey: key) == nil {
            sortedKeys.insert(key, at: Self.firstIndex(notBelow: key, in: sortedKeys))
        }
    }

    /// Forgets the write of `key`, as if it had never been written.
    mutating func forget(_ key: [UInt8]) {
        guard values.removeValue(forKey: key) != nil else { return }
        sortedKeys.remove(at: Self.firstIndex(notBelow: key, in: sortedKeys))
    }

    mutating func removeAll() {
        values.removeAll(keepingCapacity: true)
        sortedKeys.removeAll(keepingCapacity: true)
    }

    /// Every write, in key order: what a flush sends to the changelog and writes locally. In key order,
    /// RocksDB inserts each key next to the one before it, and a restore or standby replica reading the
    /// changelog finds a flush's records already sorted (``KeyValueStore/applyChangelog(_:through:)``).
    var writesInKeyOrder: [(key: [UInt8], value: [UInt8]?)] {
        sortedKeys.map { ($0, values[$0]!) }
    }

    /// The writes of the keys in `range`, in key order.
    func writes(in range: RocksDBKeyRange) -> [(key: [UInt8], value: [UInt8]?)] {
        var index = range.lowerBound.map { Self.firstIndex(notBelow: $0, in: sortedKeys) } ?? 0
        var writes: [(key: [UInt8], value: [UInt8]?)] = []
        // A range is contiguous in key order: the first key past its start that it excludes ends it.
        while index < sortedKeys.count, range.contains(sortedKeys[index]) {
            let key = sortedKeys[index]
            writes.append((key, values[key]!))
            index += 1
        }
        return writes
    }

    /// The position of the first key in `keys` (ascending) that is not below `key`.
    private static func firstIndex(notBelow key: [UInt8], in keys: [[UInt8]]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle].lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
