/// A stream joined with a table on the record key: each stream record looks up the table's current
/// value for its key in the table's store (Kafka Streams' `KStream#join(KTable)` and `leftJoin`).
///
/// Table updates never emit; only stream records do. The table must be co-partitioned with the stream
/// (same partition count and key partitioner), so that a key's table value is in the same task.
public struct StreamTableJoin: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Only stream records whose key has a (matching) table value.
        case inner
        /// Every stream record; the table side is null when the key has no (matching) value.
        case left
    }

    /// Whether a table value matches the record, beyond key equality; `nil` accepts every value.
    public typealias Condition = @Sendable (StreamRecord, JSONValue) throws -> Bool
    /// The joined value from the stream record and the table value (null for a left join's non-match).
    public typealias Joiner = @Sendable (StreamRecord, JSONValue) throws -> JSONValue

    /// The key looked up, from the record; `nil` looks up the record's own key. (Only global tables
    /// can be looked up by another key: a partitioned table holds only its own partition's keys.)
    public typealias LookupKey = @Sendable (StreamRecord) throws -> JSONValue

    /// The store that materializes the table.
    public var store: String
    public var kind: Kind
    public var condition: Condition?
    public var lookupKey: LookupKey?
    /// Several keys looked up at once (global tables only): from the record, an array of keys. The
    /// table side is then an object of the values found, named by key (as text), and an inner join
    /// drops a record when none is found.
    public var lookupKeys: LookupKey?
    public var joiner: Joiner

    public init(
        store: String, kind: Kind, condition: Condition? = nil, lookupKey: LookupKey? = nil, lookupKeys: LookupKey? = nil, joiner: @escaping Joiner
    ) {
        self.store = store
        self.kind = kind
        self.condition = condition
        self.lookupKey = lookupKey
        self.lookupKeys = lookupKeys
        self.joiner = joiner
    }
}
