/// Fixed-size windows aligned to the epoch: tumbling (advance = size) or hopping (advance < size),
/// with Kafka Streams' rules.
///
/// - A window is `[start, start + size)`: the start is included, the end excluded.
/// - Window starts are multiples of `advance`, and never negative.
/// - A record with timestamp `t` belongs to every window with `start <= t < start + size`.
/// - A window accepts records until stream time reaches `end + grace`; a record for a window whose
///   `end + grace <= streamTime` is late and dropped.
public struct TimeWindows: Hashable, Sendable {
    public let size: Int64
    public let advance: Int64
    public let grace: Int64

    /// Tumbling windows of `size` milliseconds.
    public static func tumbling(size: Int64, grace: Int64 = 0) -> TimeWindows {
        TimeWindows(size: size, advance: size, grace: grace)
    }

    /// Hopping windows of `size` milliseconds starting every `advance` milliseconds.
    ///
    /// - Precondition: `0 < advance <= size`, `grace >= 0` (the DSL validates these first).
    public static func hopping(size: Int64, advance: Int64, grace: Int64 = 0) -> TimeWindows {
        TimeWindows(size: size, advance: advance, grace: grace)
    }

    private init(size: Int64, advance: Int64, grace: Int64) {
        precondition(size > 0 && advance > 0 && advance <= size && grace >= 0, "invalid windows: size \(size), advance \(advance), grace \(grace)")
        self.size = size
        self.advance = advance
        self.grace = grace
    }

    /// Every window containing `timestamp`, earliest first.
    public func windows(containing timestamp: Int64) -> [TimeWindow] {
        guard timestamp >= 0 else { return [] }
        // The first start whose window still reaches past `timestamp`, rounded up to a multiple of advance.
        var start = max(0, timestamp - size + advance) / advance * advance
        var windows: [TimeWindow] = []
        while start <= timestamp {
            windows.append(TimeWindow(start: start, end: start + size))
            start += advance
        }
        return windows
    }

    /// Whether `window` no longer accepts records at `streamTime`.
    public func isClosed(_ window: TimeWindow, at streamTime: StreamTime) -> Bool {
        guard let now = streamTime.current else { return false }
        return window.end + grace <= now
    }
}
