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
    /// `env:` — the environment `env()` reads while the topology loads for this case, over the process's
    /// (an empty value counts as unset).
    public var environment: [String: String] = [:]
    /// `wall-clock:` — the wall clock (epoch milliseconds) when the case starts; nil: the first input
    /// record's timestamp. It moves only with ``TestInput/advanceWallClock(_:)`` steps.
    public var wallClockStart: Int64?
    /// Input records and wall-clock steps, in order.
    public var inputs: [TestInput]
    /// Per output topic, the records expected on it in order; topics not named here are not checked.
    public var expected: [(topic: String, records: [TestRecord])]
    /// `dead-letters:` — when given, exactly the dead letters the case must produce, in order.
    public var deadLetters: [ExpectedDeadLetter]?

    /// The input records without the wall-clock steps.
    public var inputRecords: [TestRecord] {
        inputs.compactMap { input in
            if case .record(let record) = input { return record }
            return nil
        }
    }
}

/// One entry of a case's `inputs`.
public enum TestInput: Sendable {
    /// A record written to an input topic.
    case record(TestRecord)
    /// `advance-wall-clock: 5m` or `advance-wall-clock: 2026-11-27T10:05:00Z`: the wall clock moves on
    /// and the wall-clock timers now due fire.
    case advanceWallClock(WallClockAdvance)
}

/// Where an `advance-wall-clock` step moves the wall clock.
public struct WallClockAdvance: Sendable {
    public enum Target: Sendable {
        /// Forward by this many milliseconds.
        case by(Int64)
        /// To this time (epoch milliseconds); a time before the clock's leaves it where it is.
        case to(Int64)
    }

    public var target: Target
    public var location: SourceLocation
}

/// A record in a test: key and value as JSON (encoded in the topic's declared formats), and for inputs
/// an event timestamp and headers.
public struct TestRecord: Sendable {
    public var topic: String
    public var key: JSONValue
    public var value: JSONValue
    /// Epoch milliseconds. For an input, `nil` keeps the previous input's (0 for the first); for an
    /// expected record, `nil` leaves the output's timestamp unchecked.
    public var timestamp: Int64?
    /// An input's headers, in order (`headers: { source: web }`).
    public var headers: [KafkaHeader] = []
    public var location: SourceLocation
}

/// A dead letter a case expects: each field given must match, fields left out are not checked.
public struct ExpectedDeadLetter: Sendable {
    /// The topic the failed input came from.
    public var topic: String?
    /// The failed input's key and value, as its source's formats read them.
    public var key: JSONValue?
    public var value: JSONValue?
    /// The error's kind, exactly (`requirement-failed`, `expression-failed`, ...).
    public var kind: String?
    /// Text the error's reason contains.
    public var reason: String?
    /// The step that failed (`pipeline.2.require`), exactly.
    public var step: String?
    public var location: SourceLocation
}
