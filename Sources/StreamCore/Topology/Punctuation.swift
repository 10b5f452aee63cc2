/// A schedule that emits a store's entries (Kafka Streams' `Punctuator` over a state store): every
/// `interval` of stream time or of the wall clock, one record per entry of the task's `store`, keyed as
/// the entry, with the entry's value and the punctuation's time as timestamp.
///
/// Punctuations fall on multiples of `interval` since the epoch (as tumbling windows do), so replays
/// emit at the same times; when time jumps over several, one punctuation stands for them all, at the
/// last multiple passed (as Kafka Streams skips missed punctuations).
public struct Punctuation: Sendable {
    /// The key-value store whose entries are emitted; the node runs in the task of the step that writes it.
    public var store: String
    /// Milliseconds between punctuations.
    public var interval: Int64
    /// Stream time (the task's newest record time; reproducible) or the machine's clock (also while no
    /// records arrive).
    public var clock: TimerSchedule.Clock

    public init(store: String, interval: Int64, clock: TimerSchedule.Clock) {
        precondition(interval > 0, "a punctuation interval is positive")
        self.store = store
        self.interval = interval
        self.clock = clock
    }

    /// The punctuation due at `now` after the one at `last` (nil: none yet), if any: the last multiple
    /// of the interval at or before `now`, when it is later than `last`.
    func due(at now: Int64, after last: Int64?) -> Int64? {
        let multiple = now - ((now % interval) + interval) % interval
        guard let last else { return nil }
        return multiple > last ? multiple : nil
    }

    /// Where the schedule starts: the last multiple at or before `now`, which does not fire (the first
    /// punctuation comes one interval after a task first sees time).
    func start(at now: Int64) -> Int64 {
        now - ((now % interval) + interval) % interval
    }
}
