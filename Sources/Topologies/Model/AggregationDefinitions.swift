import StreamCore

/// A `window` step: how event time is divided, in milliseconds.
public struct WindowDefinition: Sendable {
    public enum Kind: Sendable {
        /// `tumbling: SIZE`
        case tumbling(size: Int64)
        /// `hopping: SIZE, advance: ADVANCE`
        case hopping(size: Int64, advance: Int64)
        /// `session: GAP` — inactivity gap.
        case session(gap: Int64)
        /// `sliding: SIZE` — windows of SIZE (both ends included) around the records.
        case sliding(size: Int64)
    }

    public var kind: Kind
    /// `grace:` — how long after a window ends records are still accepted (default 0).
    public var grace: Int64
    /// `retention:` — how long windows stay in the store (default: until they close).
    public var retention: Int64?
    public var location: SourceLocation

    public init(kind: Kind, grace: Int64, retention: Int64?, location: SourceLocation) {
        self.kind = kind
        self.grace = grace
        self.retention = retention
        self.location = location
    }
}

/// What every aggregating step (`count`, `reduce`, `aggregate`) takes.
public struct AggregationOptions: Sendable {
    /// `store:` — the state store, queryable over HTTP; its changelog is `<application-id>-STORE-changelog`.
    public var store: Located<String>
    /// `emit:` — `updates` (default) or `final` (windowed only).
    public var emit: EmitMode
    /// `late:` — `drop` (default) or `dead-letter` (windowed only).
    public var lateRecords: LateRecordPolicy
    /// `ttl:` — how long a key's aggregate lives after its newest record, in milliseconds of stream time
    /// (aggregations of a stream over all time only).
    public var timeToLive: Located<Int64>?

    public init(store: Located<String>, emit: EmitMode, lateRecords: LateRecordPolicy, timeToLive: Located<Int64>? = nil) {
        self.store = store
        self.emit = emit
        self.lateRecords = lateRecords
        self.timeToLive = timeToLive
    }
}

/// A `deduplicate` step.
public struct DeduplicateDefinition: Sendable {
    /// `id:` — what makes two records copies of one another.
    public var id: ExpressionText
    /// `within:` — how long an id is remembered after its first copy arrives, in milliseconds of stream time.
    public var within: Int64
    /// `store:` — where the ids are remembered; its changelog is `<application-id>-STORE-changelog`.
    public var store: Located<String>

    public init(id: ExpressionText, within: Int64, store: Located<String>) {
        self.id = id
        self.within = within
        self.store = store
    }
}

/// A `timer` step.
public struct TimerDefinition: Sendable {
    /// `store:` — where pending timers are kept (with a changelog), so they survive restarts.
    public var store: Located<String>
    /// `after:` — from the starting record's event time to when the timer fires, in milliseconds.
    public var delay: Int64
    /// `clock:` — `stream-time` (default) or `wall-clock`.
    public var clock: TimerSchedule.Clock
    public var startsWhen: ExpressionText
    public var cancelsWhen: ExpressionText?
    /// `id:` — several timers per key, one per id; without it, one per key.
    public var identifier: ExpressionText?
    public var value: ValueTemplate
    /// `retraction:` — what a fired timer sends when a cancelling record that arrives after it fired
    /// was in time, built with `value` the fired timer's value (stream time only).
    public var retraction: ValueTemplate?

    public init(
        store: Located<String>, delay: Int64, clock: TimerSchedule.Clock = .streamTime, startsWhen: ExpressionText, cancelsWhen: ExpressionText?,
        identifier: ExpressionText?, value: ValueTemplate, retraction: ValueTemplate? = nil
    ) {
        self.store = store
        self.delay = delay
        self.clock = clock
        self.startsWhen = startsWhen
        self.cancelsWhen = cancelsWhen
        self.identifier = identifier
        self.value = value
        self.retraction = retraction
    }
}

/// A `join` step with another stream, within a window of event time.
public struct StreamJoinDefinition: Sendable {
    /// The other stream: a source or pipeline.
    public var stream: Located<String>
    public var kind: StreamStreamJoin.Kind
    /// Milliseconds the other record may be earlier, and later, than this one (both ends included).
    public var before: Int64
    public var after: Int64
    public var grace: Int64
    /// The stores of both sides are `STORE-left` and `STORE-right`.
    public var store: Located<String>
    public var condition: ExpressionText?
    public var value: ValueTemplate

    public init(stream: Located<String>, kind: StreamStreamJoin.Kind, before: Int64, after: Int64, grace: Int64, store: Located<String>, condition: ExpressionText?, value: ValueTemplate) {
        self.stream = stream
        self.kind = kind
        self.before = before
        self.after = after
        self.grace = grace
        self.store = store
        self.condition = condition
        self.value = value
    }
}

extension WindowDefinition {
    /// The engine's form of the window: what runs it, and the one answer to how long a store must keep
    /// it (``WindowSpecification/minimumRetention``).
    var specification: WindowSpecification {
        switch kind {
        case .tumbling(let size): .time(.tumbling(size: size, grace: grace))
        case .hopping(let size, let advance): .time(.hopping(size: size, advance: advance, grace: grace))
        case .session(let gap): .session(SessionWindows(gap: gap, grace: grace))
        case .sliding(let size): .sliding(SlidingWindows(size: size, grace: grace))
        }
    }
}
