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
