/// The key layout of window and session stores inside a ``KeyValueStore``: time first, so that the
/// windows that close as stream time advances are one contiguous range scan, and expired windows another.
///
/// - Time windows: `start (8 bytes, big-endian) ‖ key`.
/// - Sessions: `end (8 bytes) ‖ start (8 bytes) ‖ key` — sessions close by their end.
///
/// - Records held by sliding-window aggregations: `0xFF ‖ key length (4 bytes) ‖ key ‖ time ‖ sequence`,
///   after every time-first key (times stay below 2⁶³, so a time-first key never starts with 0xFF).
///
/// Times are never negative (windows start at 0 or later), so big-endian bytes sort like the numbers.
public enum WindowStoreLayout {
    public static func windowKey(start: Int64, key: [UInt8]) -> [UInt8] {
        timeBytes(start) + key
    }

    /// The start and key of a time-window entry.
    public static func decodeWindowKey(_ bytes: [UInt8]) -> (start: Int64, key: [UInt8]) {
        (readTime(bytes, at: 0), Array(bytes[8...]))
    }

    /// The window (of `size` milliseconds) and key of a time-window entry.
    public static func decodeWindowKey(_ bytes: [UInt8], size: Int64) -> (window: TimeWindow, key: [UInt8]) {
        let (start, key) = decodeWindowKey(bytes)
        return (TimeWindow(start: start, end: start + size), key)
    }

    public static func sessionKey(_ session: TimeWindow, key: [UInt8]) -> [UInt8] {
        timeBytes(session.end) + timeBytes(session.start) + key
    }

    /// The session and key of a session entry.
    public static func decodeSessionKey(_ bytes: [UInt8]) -> (session: TimeWindow, key: [UInt8]) {
        (TimeWindow(start: readTime(bytes, at: 8), end: readTime(bytes, at: 0)), Array(bytes[16...]))
    }

    public static func heldRecordKey(key: [UInt8], time: Int64, sequence: Int64) -> [UInt8] {
        heldRecordPrefix(key: key) + timeBytes(time) + timeBytes(sequence)
    }

    /// The held records of `key`, in time (then arrival) order.
    public static func heldRecordPrefix(key: [UInt8]) -> [UInt8] {
        let length = UInt32(key.count)
        return [0xFF] + (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) } + key
    }

    /// The time and sequence number of a held record's key.
    public static func decodeHeldRecordKey(_ bytes: [UInt8]) -> (time: Int64, sequence: Int64) {
        (readTime(bytes, at: bytes.count - 16), readTime(bytes, at: bytes.count - 8))
    }

    /// Entries whose leading time is in `from..<to`.
    public static func timeRange(from: Int64, to: Int64) -> RocksDBKeyRange {
        RocksDBKeyRange(from: timeBytes(max(0, from)), to: timeBytes(max(0, to)))
    }

    static func timeBytes(_ time: Int64) -> [UInt8] {
        let value = UInt64(bitPattern: time)
        return (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    static func readTime(_ bytes: [UInt8], at index: Int) -> Int64 {
        var value: UInt64 = 0
        for byte in bytes[index..<(index + 8)] { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value)
    }
}
