/// A task's stream time: the largest event time it has seen. It never goes backwards, so an
/// out-of-order record does not reopen windows that already closed.
public struct StreamTime: Hashable, Sendable {
    /// `nil` until the first record.
    public private(set) var current: Int64?

    public init(current: Int64? = nil) {
        self.current = current
    }

    /// Advances to `timestamp` if it is later than anything seen.
    public mutating func observe(_ timestamp: Int64) {
        current = max(current ?? timestamp, timestamp)
    }
}
