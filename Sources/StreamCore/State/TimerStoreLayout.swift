/// The key layout of a timer store inside a ``KeyValueStore``: each timer is kept twice, so that due
/// timers are one range scan and a key's timers another.
///
/// - By due time: `due (8 bytes, big-endian) ‖ key length (4 bytes) ‖ key ‖ id` → the payload.
/// - By key: `0xFF ‖ key length ‖ key ‖ id` → the due time (after every due-time key, which starts
///   below 0x80).
enum TimerStoreLayout {
    static func dueKey(due: Int64, key: [UInt8], id: [UInt8]) -> [UInt8] {
        WindowStoreLayout.timeBytes(due) + keyPart(key) + id
    }

    static func decodeDueKey(_ bytes: [UInt8]) -> (due: Int64, key: [UInt8], id: [UInt8]) {
        let length = Int(bytes[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        return (WindowStoreLayout.readTime(bytes, at: 0), Array(bytes[12..<(12 + length)]), Array(bytes[(12 + length)...]))
    }

    static func byKey(key: [UInt8], id: [UInt8]) -> [UInt8] {
        byKeyPrefix(key) + id
    }

    /// Every timer of `key` in the by-key layout.
    static func byKeyPrefix(_ key: [UInt8]) -> [UInt8] {
        [0xFF] + keyPart(key)
    }

    private static func keyPart(_ key: [UInt8]) -> [UInt8] {
        let length = UInt32(key.count)
        return (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) } + key
    }
}
