/// What a `deduplicate` node keeps: the first copy of each id, whenever it arrives, and not the copies
/// that follow while the id is remembered.
///
/// An id is remembered for `within` milliseconds of the node's stream time from the moment its first
/// copy arrived (not from that copy's event time), so a first copy that arrives late is still kept, and
/// its duplicates are still recognised for the whole span. Copies must reach the same task: they share
/// a key (a retransmission does), or the key is the id.
public struct Deduplication: Sendable {
    /// Computes a record's id; a null id is never a duplicate (the record passes).
    public typealias Identifier = @Sendable (StreamRecord) throws -> JSONValue

    /// The store remembering the ids seen, with the stream time each was first seen.
    public var store: String
    /// How long an id is remembered, in milliseconds of stream time.
    public var within: Int64
    public var identifier: Identifier

    public init(store: String, within: Int64, identifier: @escaping Identifier) {
        self.store = store
        self.within = within
        self.identifier = identifier
    }
}
