/// Per-key timers on stream time: records start or cancel a key's timers, and a timer fires — emits
/// a record — once the node's stream time reaches its due time. Timers live in a state store, so they
/// survive restarts and move with their task. For timeouts, expiry and inactivity (a cart with no
/// order within two hours).
public struct TimerSchedule: Sendable {
    public typealias Predicate = @Sendable (StreamRecord) throws -> Bool
    /// The timer's id within its key (several timers per key), from the record that starts it.
    public typealias Identifier = @Sendable (StreamRecord) throws -> JSONValue
    /// The value the timer emits when it fires, computed from the record that started it.
    public typealias Payload = @Sendable (StreamRecord) throws -> JSONValue

    /// What time timers run on.
    public enum Clock: String, Sendable, CaseIterable {
        /// Event time: due at the starting record's timestamp plus the delay; fired as the node's stream
        /// time reaches it (reproducible, replays alike).
        case streamTime = "stream-time"
        /// The machine's clock: due at the wall-clock time the record is processed plus the delay; fired
        /// by the stream thread as time passes, even when no records arrive (punctuation).
        case wallClock = "wall-clock"
    }

    public var store: String
    public var clock: Clock
    /// Milliseconds of event time from the starting record's timestamp to the timer's due time.
    public var delay: Int64
    /// Records that start (or restart) the timer of their key and id.
    public var startsWhen: Predicate
    /// Records that cancel every pending timer of their key; checked before `startsWhen`.
    public var cancelsWhen: Predicate?
    /// `nil`: one timer per key.
    public var identifier: Identifier?
    public var payload: Payload
    /// On stream time, what a fired timer sends when a cancelling record that reaches it later was in
    /// time (its event time between the timer's start and its due time), computed from a record whose
    /// value is the fired timer's value; cancellation then follows event time both ways (a cancelling
    /// record does not cancel a timer started after it, and a start older than a cancel already seen
    /// is cancelled at once). Fired timers and cancels are remembered for `delay` of stream time.
    /// `nil`: a late cancel changes nothing.
    public var retraction: Payload?

    public init(
        store: String, clock: Clock = .streamTime, delay: Int64, startsWhen: @escaping Predicate, cancelsWhen: Predicate?, identifier: Identifier?,
        payload: @escaping Payload, retraction: Payload? = nil
    ) {
        self.store = store
        self.clock = clock
        self.delay = delay
        self.startsWhen = startsWhen
        self.cancelsWhen = cancelsWhen
        self.identifier = identifier
        self.payload = payload
        self.retraction = retraction
    }
}
