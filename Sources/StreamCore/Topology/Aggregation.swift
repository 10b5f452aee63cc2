/// What an aggregating node (`count`, `reduce`, `aggregate`) computes and where it keeps the result.
public struct Aggregation: Sendable {
    /// The aggregate of a key that has none yet. `nil` starts from the first record's value (`reduce`).
    public typealias Initializer = @Sendable (StreamRecord) throws -> JSONValue
    /// The new aggregate from the current one and a record.
    public typealias Adder = @Sendable (JSONValue, StreamRecord) throws -> JSONValue
    /// One aggregate from two, when a record bridges two sessions (session windows only).
    public typealias Merger = @Sendable (JSONValue, JSONValue) throws -> JSONValue

    /// The state store holding the aggregates (named in the topology file).
    public var store: String
    /// `nil` aggregates per key over all time.
    public var windows: WindowSpecification?
    /// How long a window stays in the store after it starts, in milliseconds (at least size plus grace,
    /// so a window is kept until it closes).
    public var retention: Int64
    public var initializer: Initializer?
    public var adder: Adder
    /// Required for session windows.
    public var merger: Merger?
    /// For a grouped table (Kafka Streams' `KGroupedTable`): removes a row's old value from its group's
    /// aggregate, as `adder` adds the new one. `nil` aggregates a stream.
    public var subtractor: Adder?
    public var emit: EmitMode
    /// What happens to a record too late for every window it belongs to.
    public var lateRecords: LateRecordPolicy
    /// For an aggregation over all time: how long, in milliseconds of the node's stream time, a key's
    /// aggregate lives after the newest record it reflects; an expired aggregate starts again from the
    /// initializer. `nil` keeps aggregates forever.
    public var timeToLive: Int64?

    public init(
        store: String, windows: WindowSpecification?, retention: Int64? = nil, initializer: Initializer?, adder: @escaping Adder,
        merger: Merger? = nil, subtractor: Adder? = nil, emit: EmitMode = .updates, lateRecords: LateRecordPolicy = .drop,
        timeToLive: Int64? = nil
    ) {
        precondition(timeToLive == nil || (windows == nil && subtractor == nil), "a time to live is for aggregations of a stream over all time")
        self.store = store
        self.windows = windows
        self.retention = retention ?? windows?.minimumRetention ?? .max
        self.initializer = initializer
        self.adder = adder
        self.merger = merger
        self.subtractor = subtractor
        self.emit = emit
        self.lateRecords = lateRecords
        self.timeToLive = timeToLive
    }
}

/// When an aggregation sends its results downstream.
public enum EmitMode: String, Sendable, CaseIterable {
    /// Every change of an aggregate, as it happens.
    case updates
    /// One result per window, when the window closes (Kafka Streams' `suppress(untilWindowCloses)`).
    case final
}

/// What happens to a record that arrives after every window it belongs to has closed.
public enum LateRecordPolicy: String, Sendable, CaseIterable {
    /// Counted in `tributary_late_records_total` and dropped.
    case drop
    /// Counted, and written to the dead-letter topic with error kind `late-record`.
    case deadLetter = "dead-letter"
}

/// How an aggregation divides event time.
public enum WindowSpecification: Sendable, Hashable {
    case time(TimeWindows)
    case session(SessionWindows)
    case sliding(SlidingWindows)
}

extension WindowSpecification {
    /// The shortest retention that keeps every window until it closes.
    public var minimumRetention: Int64 {
        switch self {
        case .time(let windows): windows.size + windows.grace
        case .session(let windows): windows.gap + windows.grace
        case .sliding(let windows): windows.size + windows.grace + 1
        }
    }
}

extension WindowSpecification: CustomStringConvertible {
    public var description: String {
        switch self {
        case .time(let windows) where windows.advance == windows.size:
            "tumbling \(windows.size) ms, grace \(windows.grace) ms"
        case .time(let windows):
            "hopping \(windows.size) ms every \(windows.advance) ms, grace \(windows.grace) ms"
        case .session(let windows):
            "sessions with gap \(windows.gap) ms, grace \(windows.grace) ms"
        case .sliding(let windows):
            "sliding \(windows.size) ms, grace \(windows.grace) ms"
        }
    }
}
