/// A range of keys in byte-wise (memcmp) order, the order RocksDB's default comparator keeps.
public struct RocksDBKeyRange: Sendable, Hashable {
    /// First key included; `nil` starts at the smallest key.
    public var lowerBound: [UInt8]?
    /// First key excluded; `nil` runs to the largest key.
    public var upperBound: [UInt8]?

    public init(from lowerBound: [UInt8]? = nil, to upperBound: [UInt8]? = nil) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// Every key.
    public static let all = RocksDBKeyRange()

    /// Every key that starts with `prefix`.
    public static func prefix(_ prefix: [UInt8]) -> RocksDBKeyRange {
        RocksDBKeyRange(from: prefix, to: prefixSuccessor(prefix))
    }

    /// The smallest key greater than every key starting with `prefix`, or `nil` when there is none
    /// (the prefix is empty or all 0xFF bytes).
    static func prefixSuccessor(_ prefix: [UInt8]) -> [UInt8]? {
        var successor = prefix
        while let last = successor.last {
            if last < 0xFF {
                successor[successor.count - 1] = last + 1
                return successor
            }
            successor.removeLast()
        }
        return nil
    }

    /// Whether `key` lies inside the range.
    public func contains(_ key: [UInt8]) -> Bool {
        if let lowerBound, key.lexicographicallyPrecedes(lowerBound) { return false }
        if let upperBound, !key.lexicographicallyPrecedes(upperBound) { return false }
        return true
    }
}
