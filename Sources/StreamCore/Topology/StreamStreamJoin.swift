/// Two streams joined on the key within a window of event time (Kafka Streams' `KStream#join(KStream,
/// JoinWindows)`): a record of one side joins every record of the other with the same key whose
/// timestamp lies within `[t - before, t + after]` of it (from the left side's point of view; both
/// ends included). Each side keeps its records in its own store for the window plus grace.
///
/// Inner joins emit matches as they happen. Left and outer joins also emit, once the window of a
/// record has closed (stream time passes `t + after + grace` for a left record), the records that
/// found no match, with a null other side — not eagerly, as Kafka Streams 3.1+ does.
public struct StreamStreamJoin: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case inner
        /// Unmatched left records are emitted with a null right side when their window closes.
        case left
        /// Unmatched records of either side are emitted with a null other side when their window closes.
        case outer
    }

    public enum Side: String, Sendable {
        case left
        case right
    }

    /// Whether a pair matches beyond key equality.
    public typealias Condition = @Sendable (_ left: StreamRecord?, _ right: StreamRecord?) throws -> Bool
    /// The joined value of a pair; one side is `nil` for an unmatched record of a left or outer join.
    public typealias Joiner = @Sendable (_ left: StreamRecord?, _ right: StreamRecord?) throws -> JSONValue

    /// The name the join's stores start with: `<name>-left` and `<name>-right`.
    public var name: String
    public var kind: Kind
    /// How far a right record may be earlier than a left one, in milliseconds.
    public var before: Int64
    /// How far a right record may be later than a left one.
    public var after: Int64
    public var grace: Int64
    public var condition: Condition?
    public var joiner: Joiner

    public init(name: String, kind: Kind, before: Int64, after: Int64, grace: Int64, condition: Condition?, joiner: @escaping Joiner) {
        self.name = name
        self.kind = kind
        self.before = before
        self.after = after
        self.grace = grace
        self.condition = condition
        self.joiner = joiner
    }

    /// The store holding `side`'s records.
    public func store(of side: Side) -> String { Self.store(named: name, of: side) }

    /// The store of `side` of the join named `name`: `<name>-left`, `<name>-right`.
    public static func store(named name: String, of side: Side) -> String { "\(name)-\(side.rawValue)" }

    /// Whether an unmatched record of `side` is emitted when its window closes.
    func emitsUnmatched(_ side: Side) -> Bool {
        kind == .outer || (kind == .left && side == .left)
    }

    /// The other side's times a record of `side` at `t` joins: both ends included.
    func otherSideRange(of side: Side, at t: Int64) -> ClosedRange<Int64> {
        side == .left ? (t - before)...(t + after) : (t - after)...(t + before)
    }

    /// The last time a record of `side` at `t` can find a match in: the other side's records up to it join.
    func windowEnd(of side: Side, at t: Int64) -> Int64 {
        side == .left ? t + after : t + before
    }

    /// At stream time `now`, the records of `side` earlier than this have their windows closed.
    func closedBefore(of side: Side, at now: Int64) -> Int64 {
        now - (side == .left ? after : before) - grace
    }

    /// At its side's stream time `now`, a store keeps records from this time on: Kafka Streams' join
    /// window stores retain the window size (`before + after`) plus grace.
    func retainedFrom(at now: Int64) -> Int64 {
        now - before - after - grace + 1
    }

    /// The name under which the task checkpoint keeps `side`'s own stream time.
    func streamTimeName(of side: Side) -> String { "\(name).\(side.rawValue)" }
}
