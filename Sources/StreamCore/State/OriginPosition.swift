/// How far a task has applied the records of one origin partition: an offset there, and the position
/// among the records that one input record fanned out to (0 for a record read straight from a topic).
///
/// Positions from one origin partition reach a task in increasing order, so a record at or below the
/// applied position is a replay — re-read after a restart, or re-produced by an upstream task that
/// crashed before committing — and must not change state again.
public struct OriginPosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var offset: Int64
    public var fanout: Int

    public init(offset: Int64, fanout: Int = 0) {
        self.offset = offset
        self.fanout = fanout
    }

    public static func < (lhs: OriginPosition, rhs: OriginPosition) -> Bool {
        (lhs.offset, lhs.fanout) < (rhs.offset, rhs.fanout)
    }

    public var description: String { "\(offset).\(fanout)" }
}
