/// What an aggregate or table store keeps per key (and window): the value, the timestamp of the newest
/// record it reflects — Kafka Streams' `ValueAndTimestamp`, which gives results their timestamps — and
/// whether the key was text, since a store key holds a JSON key as its text and a result read back
/// from the store must carry the key the records had (`1`, not `"1"`).
///
/// Layout: a zero byte (JSON text never starts with one), the timestamp as 8 big-endian bytes, a key
/// kind byte (0 text, 1 JSON), then the value's JSON text. Entries written before timestamps were kept
/// are plain JSON text and still read: their timestamp is unknown and their key text.
public struct StoredValue: Sendable, Equatable {
    public var value: JSONValue
    /// Epoch milliseconds of the newest record the value reflects; `nil` for entries stored without one.
    public var timestamp: Int64?
    /// Whether the key is a string (else JSON of another type, stored as its JSON text).
    public var keyIsText: Bool

    public init(value: JSONValue, timestamp: Int64?, keyIsText: Bool = true) {
        self.value = value
        self.timestamp = timestamp
        self.keyIsText = keyIsText
    }

    /// The value of `key`'s entry with `timestamp`.
    public init(value: JSONValue, timestamp: Int64, key: JSONValue) {
        self.init(value: value, timestamp: timestamp, keyIsText: key.isTextKey)
    }

    private static let marker: UInt8 = 0
    private static let headerLength = 10

    public var bytes: [UInt8] {
        guard let timestamp else { return JSONSerializer.serialize(value) }
        var bytes: [UInt8] = [Self.marker]
        bytes.reserveCapacity(64)
        withUnsafeBytes(of: UInt64(bitPattern: timestamp).bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(keyIsText ? 0 : 1)
        bytes.append(contentsOf: JSONSerializer.serialize(value))
        return bytes
    }

    /// Reads an entry written by ``bytes`` (or a plain JSON entry).
    public static func decode(_ bytes: [UInt8]) throws(JSONParseError) -> StoredValue {
        guard bytes.first == marker, bytes.count > headerLength else {
            return StoredValue(value: try JSONParser.parse(bytes), timestamp: nil)
        }
        var timestamp: UInt64 = 0
        for byte in bytes[1..<9] { timestamp = timestamp << 8 | UInt64(byte) }
        let value = try JSONParser.parse(Array(bytes[headerLength...]))
        return StoredValue(value: value, timestamp: Int64(bitPattern: timestamp), keyIsText: bytes[9] == 0)
    }

    /// The key stored as `bytes` (``StoreKeyCodec``), as the type it had.
    public func key(from bytes: [UInt8]) -> JSONValue {
        Self.key(from: bytes, isText: keyIsText)
    }

    /// A key stored as `bytes`: the text itself, or (`isText` false) the JSON it is the text of.
    static func key(from bytes: [UInt8], isText: Bool) -> JSONValue {
        guard !isText, let key = try? JSONParser.parse(bytes) else { return StoreKeyCodec.decode(bytes) }
        return key
    }
}

extension JSONValue {
    /// Whether a key is stored as its own text (a string) rather than as JSON.
    var isTextKey: Bool {
        if case .string = self { return true }
        return false
    }
}
