/// One node of a topology's graph: a source, a processor, or a sink, with where its records go next.
public struct TopologyNode: Sendable {
    /// Index of the node in ``Topology/nodes``.
    public typealias ID = Int

    public let id: ID
    /// Unique within the topology; what logs, metrics and dead letters name.
    public let name: String
    public let operation: Operation
    /// Nodes that receive this node's output. For a `branch`, child *i* takes branch *i*'s records,
    /// in the order the branches were declared.
    public internal(set) var children: [ID] = []

    /// What a node does with a record.
    public enum Operation: Sendable {
        /// Reads a topic; `eventTime` (when given) computes the record's timestamp.
        case source(topic: String, keyFormat: RecordFormat, valueFormat: RecordFormat, eventTime: (@Sendable (StreamRecord) throws -> Int64)?)
        /// Passes records for which `predicate` holds.
        case filter(@Sendable (StreamRecord) throws -> Bool)
        /// Passes records for which `predicate` holds and dead-letters the others with `reason`.
        case require(@Sendable (StreamRecord) throws -> Bool, reason: String)
        /// Rewrites key, value, headers or timestamp (`map`, `map-values`, `select-key`).
        case transform(kind: String, @Sendable (inout StreamRecord) throws -> Void)
        /// Replaces a record by zero or more records.
        case flatMap(@Sendable (StreamRecord) throws -> [StreamRecord])
        /// Sends each record to the child of the first predicate that holds; with a default, the last child
        /// takes the rest, otherwise they are dropped.
        case branch([@Sendable (StreamRecord) throws -> Bool], names: [String], hasDefault: Bool)
        /// Joins several streams into one (records pass unchanged).
        case merge
        /// One arm of a `branch` (records pass unchanged): names the arm in descriptions and metrics.
        case branchArm
        /// Observes records (logging) and passes them on.
        case peek(@Sendable (StreamRecord) -> Void)
        /// Writes records to a topic.
        case sink(topic: String, keyFormat: RecordFormat, valueFormat: RecordFormat)
        /// Writes records to an internal topic, partitioned by key, with their origin in headers.
        case repartitionSink(topic: String)
        /// Reads an internal topic written by a ``repartitionSink``.
        case repartitionSource(topic: String)
        /// Aggregates records per key (and window) in a state store and forwards the results.
        case aggregate(Aggregation)
        /// Keeps the latest value per key in a state store (a null value deletes) and forwards the change.
        case toTable(store: String)
        /// Joins each record with the value of its key in a table's store.
        case streamTableJoin(StreamTableJoin)
        /// Joins each record with the value of a key it computes in a global table's store.
        case globalTableJoin(StreamTableJoin)
        /// One side of a table-table join: an update of this side's table joined with the other's value.
        case tableTableJoin(TableTableJoin, side: StreamStreamJoin.Side)
        /// Starts and cancels per-key timers; forwards a record when one fires.
        case timers(TimerSchedule)
        /// Passes the first copy of each id and drops the copies that follow while the id is remembered.
        case deduplicate(Deduplication)
        /// Emits a store's entries on a schedule (a root, like a source, in the task of the store's writer).
        case punctuation(Punctuation)
        /// One side of a windowed stream-stream join: stores this side's records and joins them with
        /// the other side's.
        case streamStreamJoin(StreamStreamJoin, side: StreamStreamJoin.Side)
        /// A foreign-key join's right side: keeps or forgets a left row's subscription and answers it.
        case foreignKeySubscription(ForeignKeyJoin)
        /// A foreign-key join's right side: a right row's change answers the left rows subscribed to it.
        case foreignKeyRightUpdate(ForeignKeyJoin)
        /// A foreign-key join's left side: an answer joined with the left row as it is now.
        case foreignKeyResponse(ForeignKeyJoin)

        /// The Kafka Streams word for the operation, used by `describe`.
        public var kind: String {
            switch self {
            case .source: "source"
            case .filter: "filter"
            case .require: "require"
            case .transform(let kind, _): kind
            case .flatMap: "flat-map"
            case .branch: "branch"
            case .merge: "merge"
            case .branchArm: "branch-arm"
            case .peek: "peek"
            case .sink: "sink"
            case .repartitionSink: "repartition-sink"
            case .repartitionSource: "repartition-source"
            case .aggregate(let aggregation): aggregation.windows == nil ? "aggregate" : "windowed-aggregate"
            case .toTable: "to-table"
            case .streamTableJoin(let join): "stream-table-\(join.kind.rawValue)-join"
            case .timers: "timers"
            case .deduplicate: "deduplicate"
            case .punctuation: "punctuation"
            case .globalTableJoin(let join): "global-table-\(join.kind.rawValue)-join"
            case .tableTableJoin(let join, let side): "table-table-\(join.kind.rawValue)-join-\(side.rawValue)"
            case .streamStreamJoin(let join, let side): "stream-stream-\(join.kind.rawValue)-join-\(side.rawValue)"
            case .foreignKeySubscription(let join): "foreign-key-\(join.kind.rawValue)-join-subscription"
            case .foreignKeyRightUpdate(let join): "foreign-key-\(join.kind.rawValue)-join-right-update"
            case .foreignKeyResponse(let join): "foreign-key-\(join.kind.rawValue)-join-response"
            }
        }
    }
}

extension TopologyNode.Operation {
    /// The state store the node writes, if any.
    public var storeName: String? {
        switch self {
        case .aggregate(let aggregation): aggregation.store
        case .toTable(let store): store
        case .timers(let schedule): schedule.store
        case .deduplicate(let deduplication): deduplication.store
        case .streamStreamJoin(let join, let side): join.store(of: side)
        case .foreignKeySubscription(let join): join.subscriptionStore
        default: nil
        }
    }

    /// The state stores the node reads (or writes): nodes sharing a store run in the same task.
    public var storesUsed: [String] {
        switch self {
        case .aggregate(let aggregation): [aggregation.store]
        case .toTable(let store): [store]
        case .streamTableJoin(let join): [join.store]
        case .timers(let schedule): [schedule.store]
        case .deduplicate(let deduplication): [deduplication.store]
        case .punctuation(let punctuation): [punctuation.store]
        case .streamStreamJoin(let join, _): [join.store(of: .left), join.store(of: .right)]
        case .tableTableJoin(let join, _): [join.leftStore, join.rightStore]
        case .foreignKeySubscription(let join): [join.subscriptionStore, join.rightStore]
        case .foreignKeyRightUpdate(let join): [join.subscriptionStore]
        case .foreignKeyResponse(let join): [join.leftStore]
        default: []
        }
    }

    /// The topic the node writes, for sinks.
    public var writtenTopic: String? {
        switch self {
        case .sink(let topic, _, _), .repartitionSink(let topic): topic
        default: nil
        }
    }

    /// The topic the node reads, for sources.
    public var sourceTopic: String? {
        switch self {
        case .source(let topic, _, _, _), .repartitionSource(let topic): topic
        default: nil
        }
    }
}
