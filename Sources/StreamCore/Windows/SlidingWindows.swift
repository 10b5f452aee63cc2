/// Windows of a fixed size that slide with the records of a key, with Kafka Streams' rules
/// (`SlidingWindows.ofTimeDifferenceAndGrace`, aggregated by `KStreamSlidingWindowAggregate`).
///
/// - A window is `[start, end]` with `end - start == size`: **both** ends included, so two records are in a
///   common window exactly when they are at most `size` apart.
/// - Windows exist only where records put them. For every record at `t`:
///   - its *left* window `[t - size, t]` always exists (for `t < size` it would start before the epoch, so
///     Kafka uses `[0, size]` instead: every such "early" record shares that one window);
///   - its *right* window `[t + 1, t + 1 + size]` exists only when a record falls in it, i.e. some record is
///     later than `t` by at most `size + 1` (that is the window Kafka creates "when a record drops out").
///   Every window therefore holds at least one record. Equal windows defined twice are one window.
/// - A window is closed once stream time passes `end + grace` (`streamTime > end + grace`); a record is
///   dropped as late when even the last window that could hold it, `[t, t + size]`, is closed.
///
/// These are pure rules over timestamps: the aggregation keeps each key's records (within retention),
/// asks ``windowsAffected(byRecordAt:existing:)`` which windows to recompute when a record arrives, and
/// skips the ones that ``isClosed(_:at:)``.
public struct SlidingWindows: Hashable, Sendable {
    /// Kafka's `timeDifferenceMs`: the largest time difference between two records of one window, and the
    /// distance between a window's (inclusive) start and (inclusive) end.
    public let size: Int64
    public let grace: Int64

    /// - Precondition: `size >= 0`, `grace >= 0` (Kafka accepts a time difference of zero: windows of one
    ///   millisecond, `[t, t]`).
    public init(size: Int64, grace: Int64 = 0) {
        precondition(size >= 0 && grace >= 0, "invalid sliding windows: size \(size), grace \(grace)")
        self.size = size
        self.grace = grace
    }

    /// Whether `t` falls in `window`: both ends included.
    public func contains(_ window: TimeWindow, _ t: Int64) -> Bool {
        window.start <= t && t <= window.end
    }

    /// The window a record at `t` always defines: `[t - size, t]`, or `[0, size]` for an early record
    /// (`t < size`). Kafka does not support negative window starts, so it aggregates every early record into
    /// `[0, size]` (`processEarly`); a record at exactly `size` has that same window as its left window.
    public func leftWindow(of t: Int64) -> TimeWindow {
        t < size ? TimeWindow(start: 0, end: size) : TimeWindow(start: t - size, end: t)
    }

    /// The window that starts just after `t`: `[t + 1, t + 1 + size]`. It exists only while some record
    /// falls in it (see ``windows(definedBy:)``); it never holds the record at `t` itself.
    public func rightWindow(of t: Int64) -> TimeWindow {
        TimeWindow(start: t + 1, end: t + 1 + size)
    }

    /// Every distinct window Kafka Streams holds for a key whose records have `timestamps` (in any order,
    /// duplicates allowed), sorted by start. Closing is not considered here (see ``isClosed(_:at:)``).
    ///
    /// - The left window of every record (``leftWindow(of:)``).
    /// - The right window of a record at `t` (``rightWindow(of:)``) when some record is in it, i.e. the next
    ///   later timestamp is at most `t + 1 + size`. Kafka only creates a right window once it would hold a
    ///   record (`rightWindowIsNotEmpty`, `previousRecordRightWindowDoesNotExistAndIsNotEmpty`).
    ///
    /// Negative timestamps define no window: Kafka never aggregates records with a negative event time (the
    /// timestamp extractor rejects or skips them before they reach an aggregation).
    public func windows(definedBy timestamps: [Int64]) -> [TimeWindow] {
        let distinct = Set(timestamps.filter { $0 >= 0 }).sorted()
        var windows = Set<TimeWindow>()
        for (index, t) in distinct.enumerated() {
            windows.insert(leftWindow(of: t))
            // Only the next later record matters: if it is not in the right window, no later one is. (A next
            // record at exactly `t + 1 + size` has this same window as its left window.)
            if index + 1 < distinct.count, distinct[index + 1] <= t + 1 + size {
                windows.insert(rightWindow(of: t))
            }
        }
        return windows.sorted()
    }

    /// The windows to recompute when a record at `t` arrives for a key already holding records at
    /// `existing`, sorted by start: every window (after the arrival) that contains `t`, plus the windows
    /// that only now come into existence. The only new window that does not contain `t` is `t`'s own right
    /// window, created from the later records already held (Kafka's `createCurrentRecordRightWindow`).
    /// Arrivals never remove a window.
    ///
    /// Skip the windows that ``isClosed(_:at:)`` (a record with none open is late, ``isLate(recordAt:at:)`` among them): Kafka still
    /// aggregates a record that is not late into its windows that are open, and leaves the closed ones alone.
    public func windowsAffected(byRecordAt t: Int64, existing timestamps: [Int64]) -> [TimeWindow] {
        guard t >= 0 else { return [] }
        let nearby = nearby(t, timestamps)
        let before = Set(windows(definedBy: nearby))
        return windows(definedBy: nearby + [t]).filter { contains($0, t) || !before.contains($0) }
    }

    /// ``windowsAffected(byRecordAt:existing:)`` in the order Kafka Streams updates them, which is the
    /// order of its results: for `t >= size` (`processReverse`) the windows that existed, latest start
    /// first, then the new ones containing `t`, latest start first, then `t`'s right window; for an early
    /// record (`processEarly`) the windows that existed after `[0, size]`, earliest first, then `t`'s right
    /// window, then the new ones, then `[0, size]`.
    public func windowsAffectedInUpdateOrder(byRecordAt t: Int64, existing timestamps: [Int64]) -> [TimeWindow] {
        let affected = windowsAffected(byRecordAt: t, existing: timestamps)
        let before = Set(windows(definedBy: nearby(t, timestamps)))
        let rightStart = t + 1
        func rank(_ window: TimeWindow) -> (Int, Int64) {
            if t >= size {
                if window.start == rightStart { return (2, 0) }
                return (before.contains(window) ? 0 : 1, -window.start)
            }
            if window.start == 0 { return (3, 0) }
            if window.start == rightStart { return (1, 0) }
            return (before.contains(window) ? 0 : 2, window.start)
        }
        return affected.sorted { rank($0) < rank($1) }
    }

    /// The records that can define a window containing `t`, or `t`'s right window: those in
    /// `[t - size - 1, t + size + 1]` (a right window holding `t` belongs to a record at least
    /// `t - size - 1`; whether it or `t`'s right window exists depends on records up to `t + size + 1`).
    private func nearby(_ t: Int64, _ timestamps: [Int64]) -> [Int64] {
        timestamps.filter { $0 >= t - size - 1 && $0 <= t + size + 1 }
    }

    /// Whether `window` no longer accepts records at `streamTime`: `end + grace < streamTime`.
    ///
    /// The end is included in the window, so a window stays open while stream time is at `end + grace`
    /// (unlike ``TimeWindows``, whose excluded end closes at `end + grace`). Kafka updates a window only when
    /// `windowEnd >= streamTime - grace` (`updateWindowAndForward`), and documents "a window is closed when
    /// stream-time > window-end + grace-period".
    public func isClosed(_ window: TimeWindow, at streamTime: StreamTime) -> Bool {
        guard let now = streamTime.current else { return false }
        return window.end + grace < now
    }

    /// Whether a record at `t` is dropped as late at `streamTime`: `t + size + grace < streamTime`.
    ///
    /// `streamTime` is the time *after* observing the record (Kafka advances stream time first), so the
    /// newest record is never late. `[t, t + size]` is the last-ending window a record at `t` can be in (the
    /// right window of a record at `t - 1`); once it is closed every window of the record is, and Kafka
    /// skips the record (`record.timestamp() + timeDifferenceMs < windowCloseTime`, written
    /// `t + 1 + timeDifferenceMs <= closeTime` in older versions). A record that is not late can still find
    /// some of its windows closed (its left window closes `size` ms earlier); those are skipped one by one.
    public func isLate(recordAt t: Int64, at streamTime: StreamTime) -> Bool {
        isClosed(TimeWindow(start: t, end: t + size), at: streamTime)
    }
}
