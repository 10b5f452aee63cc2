/// A record flowing through a topology: decoded key and value, headers, event time, and the input
/// record it derives from.
///
/// While a step leaves the key or value untouched, the bytes it arrived with are kept, so a record
/// routed unchanged is written out byte for byte as it came in.
public struct StreamRecord: Sendable {
    public var key: JSONValue {
        didSet { arrivedKey = nil }
    }
    public var value: JSONValue {
        didSet { arrivedValue = nil }
    }
    public var headers: [KafkaHeader]
    /// Event time, in milliseconds since the epoch.
    public var timestamp: Int64
    /// The input record this one derives from.
    public let origin: RecordOrigin
    /// On a table, the value the record's key had before this change (Kafka Streams' `Change.oldValue`):
    /// what a grouped table's subtractor removes and a table join decides with. `nil` on streams, and for
    /// a key that had no value.
    public var oldValue: JSONValue?
    /// The window a windowed aggregation's result belongs to; `nil` for other records.
    public var window: TimeWindow?
    /// A window result's deterministic id (`store/key/window-start`), used instead of the origin's.
    var resultID: String?

    /// The key's bytes as they arrived, and the format they were decoded with.
    private(set) var arrivedKey: EncodedBytes?
    private(set) var arrivedValue: EncodedBytes?

    public init(key: JSONValue, value: JSONValue, headers: [KafkaHeader] = [], timestamp: Int64, origin: RecordOrigin) {
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
        self.origin = origin
    }

    init(key: JSONValue, arrivedKey: EncodedBytes, value: JSONValue, arrivedValue: EncodedBytes, headers: [KafkaHeader], timestamp: Int64, origin: RecordOrigin) {
        self.init(key: key, value: value, headers: headers, timestamp: timestamp, origin: origin)
        self.arrivedKey = arrivedKey
        self.arrivedValue = arrivedValue
    }
}

extension StreamRecord {
    /// The same record with another value: how a table step sees a change's old value.
    public func withValue(_ value: JSONValue) -> StreamRecord {
        var record = self
        record.value = value
        return record
    }
}

/// Bytes as they were read, with the format they were read in.
struct EncodedBytes: Sendable {
    var bytes: [UInt8]?
    var format: RecordFormat
}

/// Where an input record was read: what dead letters, logs and de-duplication ids point back to.
public struct RecordOrigin: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    public var description: String { "\(topic)-\(partition)@\(offset)" }
}
