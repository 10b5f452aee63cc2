import StreamCore

/// A parsed and validated topology file: what the compiler turns into a StreamCore topology.
///
/// Every reference in it resolves (sources, pipelines, topics) and every expression parsed; the
/// parser only returns one when the file has no diagnostics.
public struct TopologyDefinition: Sendable {
    /// The file as the user named it.
    public var file: String
    /// A human name (`name:`), or the application id.
    public var name: String
    /// `application-id`: consumer group, and the prefix of internal topics and state directories.
    public var applicationID: Located<String>
    public var description: String?
    /// In file order.
    public var sources: [SourceDefinition]
    /// Topics the file declares with partition counts (`topics:`), in file order.
    public var topics: [TopicDeclaration]
    /// In file order.
    public var pipelines: [PipelineDefinition]
    /// `dashboard:` — the live page of this topology's stores, if it has one.
    public var dashboard: DashboardDefinition?
    /// `processing-guarantee:` — nil when the file leaves it to the runner (at-least-once by default).
    public var processingGuarantee: ProcessingGuarantee?
    /// `threads:` — stream threads per instance; nil leaves it to the runner (its `--threads`, else one).
    public var streamThreads: Int?

    public init(
        file: String, name: String, applicationID: Located<String>, description: String?, sources: [SourceDefinition], topics: [TopicDeclaration],
        pipelines: [PipelineDefinition], dashboard: DashboardDefinition? = nil, processingGuarantee: ProcessingGuarantee? = nil, streamThreads: Int? = nil
    ) {
        self.file = file
        self.name = name
        self.applicationID = applicationID
        self.description = description
        self.sources = sources
        self.topics = topics
        self.pipelines = pipelines
        self.dashboard = dashboard
        self.processingGuarantee = processingGuarantee
        self.streamThreads = streamThreads
    }
}

/// An input: a topic read as a stream.
public struct SourceDefinition: Sendable {
    public var name: Located<String>
    public var topic: Located<String>
    public var keyFormat: RecordFormat
    public var valueFormat: RecordFormat
    /// Where event time comes from; `nil` uses the record's Kafka timestamp. The expression yields an
    /// ISO-8601 string or epoch milliseconds.
    public var eventTime: ExpressionText?
    /// The partition count the topology expects, when it says (`runner dev-broker --topology` creates it so).
    public var partitions: Int?
    /// `table: STORE` — the topic is read as a table: the latest value per key, kept in this store
    /// (a null value deletes the key).
    public var tableStore: Located<String>?
    /// `global-table: STORE` — the topic is read in full by every instance into this store, for
    /// lookups by any key (`join` with `key:`); pipelines cannot read it as a stream.
    public var globalStore: Located<String>?

    public init(
        name: Located<String>, topic: Located<String>, keyFormat: RecordFormat, valueFormat: RecordFormat, eventTime: ExpressionText?, partitions: Int?,
        tableStore: Located<String>? = nil, globalStore: Located<String>? = nil
    ) {
        self.name = name
        self.topic = topic
        self.keyFormat = keyFormat
        self.valueFormat = valueFormat
        self.eventTime = eventTime
        self.partitions = partitions
        self.tableStore = tableStore
        self.globalStore = globalStore
    }
}

/// A topic declared under `topics:` (typically an output), with its partition count.
public struct TopicDeclaration: Sendable {
    public var name: Located<String>
    public var partitions: Int

    public init(name: Located<String>, partitions: Int) {
        self.name = name
        self.partitions = partitions
    }
}

/// A named chain of steps reading from sources or other pipelines.
public struct PipelineDefinition: Sendable {
    public var name: Located<String>
    /// Source or pipeline names; several are merged. Empty for a pipeline that runs `every`.
    public var from: [Located<String>]
    /// `every: 5m` with `store:` (and `clock:`) instead of `from`: the store's entries, on a schedule.
    public var every: PunctuationDefinition?
    public var steps: [StepDefinition]

    public init(name: Located<String>, from: [Located<String>], every: PunctuationDefinition? = nil, steps: [StepDefinition]) {
        self.name = name
        self.from = from
        self.every = every
        self.steps = steps
    }
}

/// A pipeline's `every: INTERVAL`, `store: NAME` and `clock:`: each entry of a key-value store emitted
/// every INTERVAL of stream time or of the wall clock.
public struct PunctuationDefinition: Sendable {
    /// Milliseconds between punctuations.
    public var interval: Located<Int64>
    /// The store whose entries are emitted: an aggregation's over all time, or a table's.
    public var store: Located<String>
    public var clock: TimerSchedule.Clock

    public init(interval: Located<Int64>, store: Located<String>, clock: TimerSchedule.Clock) {
        self.interval = interval
        self.store = store
        self.clock = clock
    }
}

/// One step of a pipeline.
public struct StepDefinition: Sendable {
    /// The step's own name (`name:`), or `<pipeline>.<index>.<kind>`.
    public var name: String
    public var kind: StepKind
    /// Where the step's kind key is written.
    public var location: SourceLocation

    public init(name: String, kind: StepKind, location: SourceLocation) {
        self.name = name
        self.kind = kind
        self.location = location
    }
}

/// What a step does. The YAML key of each case is in ``keyword``.
public indirect enum StepKind: Sendable {
    /// `filter: EXPR` — keeps records for which the expression is `true`.
    case filter(ExpressionText)
    /// `require: EXPR` or `require: { that: EXPR, reason: TEXT }` — records for which the expression
    /// is not `true` go to the dead-letter topic with the reason.
    case require(ExpressionText, reason: String?)
    /// `map-values: TEMPLATE` — replaces the value.
    case mapValues(ValueTemplate)
    /// `map: { key: EXPR, value: TEMPLATE }` — replaces the key, the value, or both.
    case map(key: ExpressionText?, value: ValueTemplate?)
    /// `select-key: EXPR` — replaces the key.
    case selectKey(ExpressionText)
    /// `set-time: EXPR` — replaces the record's event time (an ISO-8601 time or epoch milliseconds).
    case setTime(ExpressionText)
    /// `flat-map: EXPR` or `flat-map: { items: EXPR, key: EXPR, value: TEMPLATE }` — one record per
    /// element of the array `items` yields; `key` and `value` also see `item` and `index`.
    case flatMap(items: ExpressionText, key: ExpressionText?, value: ValueTemplate?)
    /// `branch: { NAME: { when: EXPR, steps: [...] }, ..., default: { steps: [...] } }` — the first
    /// branch whose condition holds takes the record; `default` takes the rest (without it they are dropped).
    case branch([BranchDefinition], defaultBranch: [StepDefinition]?)
    /// `merge: [NAME, ...]` — adds the records of other sources or pipelines to this stream.
    case merge([Located<String>])
    /// `log: { message: EXPR, level: LEVEL }` (alias `peek`) — logs each record and passes it on.
    case log(message: ExpressionText?, level: String)
    /// `to: TOPIC` or `to: { topic: TOPIC, key: FORMAT, value: FORMAT }` — writes to a topic (ends the chain).
    case to(topic: Located<String>, keyFormat: RecordFormat, valueFormat: RecordFormat)
    /// `group-by-key: {}` — groups by the current key for the aggregation that follows (no re-keying).
    case groupByKey
    /// `group-by: { key: EXPR, value: EXPR, repartition: NAME, partitions: N }` — re-keys (and on a table
    /// optionally re-values) through the internal topic `<application-id>-NAME-repartition`, so each key's
    /// records meet in one task. On a table its rows move between groups (Kafka Streams' `KGroupedTable`).
    case groupBy(key: ExpressionText, value: ExpressionText?, repartition: Located<String>, partitions: Int?)
    /// `join: { stream: NAME, window: { before: D, after: D, grace: D }, kind: inner|left|outer, store: NAME,
    /// when: EXPR, value: TEMPLATE }` — records joined with the other stream's records of the same key
    /// within the window.
    case streamJoin(StreamJoinDefinition)
    /// `timer: { store: NAME, after: DURATION, start-when: EXPR, cancel-when: EXPR, id: EXPR, value: TEMPLATE }`
    /// — per-key timers on stream time; the stream after it carries the fired timers' values.
    case timer(TimerDefinition)
    /// `deduplicate: { id: EXPR, within: DURATION, store: NAME }` — the first copy of each id passes,
    /// whenever it arrives; copies arriving while the id is remembered (`within` of stream time after the
    /// first) are dropped.
    case deduplicate(DeduplicateDefinition)
    /// `repartition: { key: EXPR, name: NAME, partitions: N }` — re-keys (or just redistributes by the
    /// current key) through the internal topic `<application-id>-NAME-repartition`, for a join.
    case repartition(key: ExpressionText?, name: Located<String>, partitions: Int?)
    /// `window: { tumbling: 1m, grace: 30s, retention: 2h }` (or `hopping` + `advance`, `session`, `sliding`)
    /// — divides event time for the aggregation that follows.
    case window(WindowDefinition)
    /// `count: { store: NAME, emit: updates|final, late: drop|dead-letter }`
    case count(AggregationOptions)
    /// `reduce: { adder: EXPR, subtractor: EXPR, store: NAME, ... }` — the first value, then `adder` over
    /// `aggregate` and the record; a grouped table's `subtractor` removes a row's old value.
    case reduce(adder: ExpressionText, subtractor: ExpressionText?, AggregationOptions)
    /// `aggregate: { initial: EXPR, adder: EXPR, merger: EXPR, subtractor: EXPR, store: NAME, ... }`
    case aggregate(initial: ExpressionText, adder: ExpressionText, merger: ExpressionText?, subtractor: ExpressionText?, AggregationOptions)
    /// `to-table: { store: NAME }` — keeps the latest value per key (null deletes) and passes records on.
    case toTable(store: Located<String>)
    /// `to-stream: {}` — reads a table's changes as a stream again.
    case toStream
    /// `join: { table: NAME, kind: inner|left, when: EXPR, value: TEMPLATE }` — each record joined with
    /// its key's current value in a table (`other` in `when` and `value`).
    /// On a table (`to-table`, a table source) it is a table-table join, and `kind` may also be `outer`.
    /// With a global table, `key: EXPR` says which key to look up (default: the record's key), or
    /// `keys: EXPR` several at once.
    case join(table: Located<String>, kind: TableTableJoin.Kind, condition: ExpressionText?, lookup: TableLookup, value: ValueTemplate)
    /// A step that delivers each record outside Kafka — `salesforce`, `http` (ends the chain; see
    /// ``SinkDefinition`` and ``SinkKinds``).
    case sink(any SinkDefinition)
    /// `classify: { model: PATH | training: {...}, text: EXPR, into: FIELD }` — sets `value.FIELD` to
    /// the label a text classifier gives `text`, and `value.FIELD_confidence` to its probability.
    case classify(ClassifierSource, text: ExpressionText, into: Located<String>)

    /// The YAML key that introduces the step.
    public var keyword: String {
        switch self {
        case .filter: "filter"
        case .require: "require"
        case .mapValues: "map-values"
        case .map: "map"
        case .selectKey: "select-key"
        case .setTime: "set-time"
        case .flatMap: "flat-map"
        case .branch: "branch"
        case .merge: "merge"
        case .log: "log"
        case .to: "to"
        case .groupByKey: "group-by-key"
        case .groupBy: "group-by"
        case .window: "window"
        case .count: "count"
        case .reduce: "reduce"
        case .aggregate: "aggregate"
        case .toTable: "to-table"
        case .toStream: "to-stream"
        case .join: "join"
        case .repartition: "repartition"
        case .timer: "timer"
        case .deduplicate: "deduplicate"
        case .streamJoin: "join"
        case .sink(let sink): sink.keyword
        case .classify: "classify"
        }
    }
}

/// One named arm of a `branch` step.
public struct BranchDefinition: Sendable {
    public var name: Located<String>
    public var condition: ExpressionText
    public var steps: [StepDefinition]

    public init(name: Located<String>, condition: ExpressionText, steps: [StepDefinition]) {
        self.name = name
        self.condition = condition
        self.steps = steps
    }
}

/// Which keys a `join` looks up in a table.
public enum TableLookup: Sendable {
    /// The record's own key (the only choice for a partitioned table).
    case recordKey
    /// `key: EXPR` — one key, computed from the record (global tables).
    case key(ExpressionText)
    /// `keys: EXPR` — an array of keys (global tables); `other` is an object of the values found, by key.
    case keys(ExpressionText)
    /// `foreign-key: EXPR` — on a table, the key of the other table's row each row refers to (a
    /// foreign-key join, KIP-213).
    case foreignKey(ExpressionText)

    /// The expression that computes the key or keys, if not the record's key.
    var expression: ExpressionText? {
        switch self {
        case .recordKey: nil
        case .key(let expression), .keys(let expression), .foreignKey(let expression): expression
        }
    }
}
