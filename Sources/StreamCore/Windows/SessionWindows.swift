/// Per-key sessions of activity separated by gaps of inactivity, with Kafka Streams' rules.
///
/// - A session is `[first, last]` of its records' timestamps: both ends included.
/// - A record at `t` joins (and merges) every existing session of its key with
///   `session.end + gap >= t` and `session.start - gap <= t`; if there is none it starts `[t, t]`.
/// - A session accepts records until stream time passes `end + gap + grace` (a record is late when the
///   session it would form or join ends before `streamTime - gap - grace`).
public struct SessionWindows: Hashable, Sendable {
    public let gap: Int64
    public let grace: Int64

    /// - Precondition: `gap > 0`, `grace >= 0`.
    public init(gap: Int64, grace: Int64 = 0) {
        precondition(gap > 0 && grace >= 0, "invalid session windows: gap \(gap), grace \(grace)")
        self.gap = gap
        self.grace = grace
    }

    /// The sessions of one key that a record at `timestamp` merges with.
    public func sessionsToMerge(_ sessions: [TimeWindow], with timestamp: Int64) -> [TimeWindow] {
        sessions.filter { $0.end + gap >= timestamp && $0.start - gap <= timestamp }
    }

    /// The session a record at `timestamp` ends up in after merging with `merging`.
    public func mergedSession(_ merging: [TimeWindow], with timestamp: Int64) -> TimeWindow {
        TimeWindow(
            start: min(timestamp, merging.map(\.start).min() ?? timestamp),
            end: max(timestamp, merging.map(\.end).max() ?? timestamp))
    }

    /// Whether `session` no longer accepts records at `streamTime`.
    public func isClosed(_ session: TimeWindow, at streamTime: StreamTime) -> Bool {
        guard let now = streamTime.current else { return false }
        return session.end + gap + grace < now
    }
}
