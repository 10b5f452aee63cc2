/// The key layout of a timer store inside a ``KeyValueStore``: each timer is kept twice, so that due
/// timers are one range scan and a key's timers another.
///
/// - By due time: `due (8 bytes, big-endian) ‖ key length (4 bytes) ‖ key ‖ id` → the payload.
/// - By key: `0xFF ‖ key length ‖ key ‖ id` → the due time (after every due-time key, which starts
///   below 0x80).
///
/// A timer step with retractions also remembers, each for one delay of stream time, its fired timers
/// and the cancels it saw, each twice again (by key, and by when it is forgotten):
/// - Fired, by key: `0xFE ‖ key length ‖ key ‖ id` → the fired payload (timestamp: its due time).
/// - Fired, by expiry: `0xFD ‖ expiry ‖ key length ‖ key ‖ id` → nothing.
/// - Cancel, by key: `0xFC ‖ key length ‖ key ‖ time` → nothing.
/// - Cancel, by expiry: `0xFB ‖ expiry ‖ key length ‖ key ‖ time` → nothing.
enum TimerStoreLayout {
    static let firedTag: UInt8 = 0xFE
    static let firedExpiryTag: UInt8 = 0xFD
    static let cancelTag: UInt8 = 0xFC
    static let cancelExpiryTag: UInt8 = 0xFB

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

    /// An entry remembered by key (a fired timer's id, or a cancel's time after the key).
    static func rememberedKey(_ tag: UInt8, key: [UInt8], suffix: [UInt8]) -> [UInt8] {
        [tag] + keyPart(key) + suffix
    }

    /// Every entry of `key` remembered under `tag`.
    static func rememberedPrefix(_ tag: UInt8, key: [UInt8]) -> [UInt8] {
        [tag] + keyPart(key)
    }

    /// The index entry that forgets a remembered one at `expiry`.
    static func expiryKey(_ tag: UInt8, expiry: Int64, key: [UInt8], suffix: [UInt8]) -> [UInt8] {
        [tag] + WindowStoreLayout.timeBytes(expiry) + keyPart(key) + suffix
    }

    /// The index entries under `tag` to forget by stream time `now`.
    static func expiredRange(_ tag: UInt8, by now: Int64) -> RocksDBKeyRange {
        RocksDBKeyRange(from: [tag] + WindowStoreLayout.timeBytes(0), to: [tag] + WindowStoreLayout.timeBytes(now + 1))
    }

    static func decodeExpiryKey(_ bytes: [UInt8]) -> (expiry: Int64, key: [UInt8], suffix: [UInt8]) {
        let length = Int(bytes[9..<13].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        return (WindowStoreLayout.readTime(bytes, at: 1), Array(bytes[13..<(13 + length)]), Array(bytes[(13 + length)...]))
    }

    private static func keyPart(_ key: [UInt8]) -> [UInt8] {
        let length = UInt32(key.count)
        return (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) } + key
    }
}
