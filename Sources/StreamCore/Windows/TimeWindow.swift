/// A window of event time, in epoch milliseconds: `[start, end)` for time windows, `[start, end]` for
/// session windows (Kafka Streams' conventions; see ``TimeWindows`` and ``SessionWindows``).
public struct TimeWindow: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public static func < (lhs: TimeWindow, rhs: TimeWindow) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    public var description: String { "[\(start), \(end))" }
}
