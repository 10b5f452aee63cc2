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

    public init(store: Located<String>, emit: EmitMode, lateRecords: LateRecordPolicy) {
        self.store = store
        self.emit = emit
        self.lateRecords = lateRecords
    }
}

/// A `timer` step.
public struct TimerDefinition: Sendable {
    /// `store:` — where pending timers are kept (with a changelog), so they survive restarts.
    public var store: Located<String>
    /// `after:` — from the starting record's event time to when the timer fires, in milliseconds.
    public var delay: Int64
    public var startsWhen: ExpressionText
    public var cancelsWhen: ExpressionText?
    /// `id:` — several timers per key, one per id; without it, one per key.
    public var identifier: ExpressionText?
    public var value: ValueTemplate

    public init(store: Located<String>, delay: Int64, startsWhen: ExpressionText, cancelsWhen: ExpressionText?, identifier: ExpressionText?, value: ValueTemplate) {
        self.store = store
        self.delay = delay
        self.startsWhen = startsWhen
        self.cancelsWhen = cancelsWhen
        self.identifier = identifier
        self.value = value
    }
}
