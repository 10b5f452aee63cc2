/// A Kafka protocol request type (its `ApiKey`), e.g. 0 for Produce: what a broker fault is scripted for.
///
/// A struct, not an enum: the protocol keeps adding request types, and any number can be named.
public struct KafkaAPIKey: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The protocol's number for the request type.
    public var rawValue: Int16

    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let produce = KafkaAPIKey(rawValue: 0)
    public static let fetch = KafkaAPIKey(rawValue: 1)
    public static let listOffsets = KafkaAPIKey(rawValue: 2)
    public static let metadata = KafkaAPIKey(rawValue: 3)
    public static let offsetCommit = KafkaAPIKey(rawValue: 8)
    public static let offsetFetch = KafkaAPIKey(rawValue: 9)
    public static let findCoordinator = KafkaAPIKey(rawValue: 10)
    public static let joinGroup = KafkaAPIKey(rawValue: 11)
    public static let heartbeat = KafkaAPIKey(rawValue: 12)
    public static let leaveGroup = KafkaAPIKey(rawValue: 13)
    public static let syncGroup = KafkaAPIKey(rawValue: 14)
    public static let apiVersions = KafkaAPIKey(rawValue: 18)
    public static let initProducerID = KafkaAPIKey(rawValue: 22)
    public static let addPartitionsToTxn = KafkaAPIKey(rawValue: 24)
    public static let addOffsetsToTxn = KafkaAPIKey(rawValue: 25)
    public static let endTxn = KafkaAPIKey(rawValue: 26)
    public static let txnOffsetCommit = KafkaAPIKey(rawValue: 28)

    /// The protocol's names (as in Kafka's `ApiKeys`) of the request types the development broker serves.
    public static let named: [String: KafkaAPIKey] = [
        "Produce": .produce, "Fetch": .fetch, "ListOffsets": .listOffsets, "Metadata": .metadata,
        "OffsetCommit": .offsetCommit, "OffsetFetch": .offsetFetch, "FindCoordinator": .findCoordinator,
        "JoinGroup": .joinGroup, "Heartbeat": .heartbeat, "LeaveGroup": .leaveGroup, "SyncGroup": .syncGroup,
        "ApiVersions": .apiVersions, "InitProducerId": .initProducerID, "AddPartitionsToTxn": .addPartitionsToTxn,
        "AddOffsetsToTxn": .addOffsetsToTxn, "EndTxn": .endTxn, "TxnOffsetCommit": .txnOffsetCommit,
    ]

    /// The request type named `text` (a name of ``named``, case-insensitive) or written as its number;
    /// `nil` for neither.
    public init?(_ text: String) {
        if let number = Int16(text), number >= 0 {
            self.init(rawValue: number)
        } else if let key = Self.named.first(where: { $0.key.caseInsensitiveCompare(text) == .orderedSame })?.value {
            self = key
        } else {
            return nil
        }
    }

    /// The protocol's name when it is one of ``named``, otherwise the number.
    public var description: String {
        Self.named.first { $0.value == self }?.key ?? String(rawValue)
    }
}
