import StreamCore

/// The test cases of a topology file, from its sibling `NAME.test.yml`: input records per topic and
/// the records expected on output topics, run by `runner test`.
public struct TopologyTestSuite: Sendable {
    public var file: String
    /// `partitions:` — how many partitions every topic has while its cases run (default 1).
    public var partitions: Int?
    public var cases: [TopologyTestCase]
}

/// One test: records written to input topics in order, and what must come out.
public struct TopologyTestCase: Sendable {
    public var name: String
    public var location: SourceLocation
    /// `partitions:` of the case, over the file's.
    public var partitions: Int?
    public var inputs: [TestRecord]
    /// Per output topic, the records expected on it in order; topics not named here are not checked.
    public var expected: [(topic: String, records: [TestRecord])]
}

/// A record in a test: key and value as JSON (encoded in the topic's declared formats), and for inputs
/// an event timestamp.
public struct TestRecord: Sendable {
    public var topic: String
    public var key: JSONValue
    public var value: JSONValue
    /// Epoch milliseconds. For an input, `nil` keeps the previous input's (0 for the first); for an
    /// expected record, `nil` leaves the output's timestamp unchecked.
    public var timestamp: Int64?
    public var location: SourceLocation
}
