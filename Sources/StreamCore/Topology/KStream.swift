/// A stream of records at one point of a topology being built: each operator adds a node and returns
/// the stream after it (Kafka Streams' `KStream`).
public struct KStream {
    let builder: TopologyBuilder
    /// The node whose output this stream is.
    public let node: TopologyNode.ID

    private func then(_ name: String, _ operation: TopologyNode.Operation) -> KStream {
        KStream(builder: builder, node: builder.add(name, operation, parents: [node]))
    }

    /// Keeps the records for which `predicate` is true.
    public func filter(_ name: String, _ predicate: @escaping @Sendable (StreamRecord) throws -> Bool) -> KStream {
        then(name, .filter(predicate))
    }

    /// Keeps the records for which `predicate` is true and sends the others to the dead-letter topic.
    public func require(_ name: String, reason: String, _ predicate: @escaping @Sendable (StreamRecord) throws -> Bool) -> KStream {
        then(name, .require(predicate, reason: reason))
    }

    /// Rewrites each record in place; `kind` names the operation in descriptions (`map`, `map-values`, `select-key`).
    public func transform(_ name: String, kind: String, _ transform: @escaping @Sendable (inout StreamRecord) throws -> Void) -> KStream {
        then(name, .transform(kind: kind, transform))
    }

    /// Replaces each record by the records `transform` returns.
    public func flatMap(_ name: String, _ transform: @escaping @Sendable (StreamRecord) throws -> [StreamRecord]) -> KStream {
        then(name, .flatMap(transform))
    }

    /// Splits the stream: each record goes to the first branch whose predicate holds, else to the default
    /// stream (when `withDefault`), else nowhere. Returns one stream per branch, then the default.
    public func branch(
        _ name: String, _ branches: [(name: String, predicate: @Sendable (StreamRecord) throws -> Bool)], withDefault: Bool
    ) -> [KStream] {
        let branchNode = then(name, .branch(branches.map(\.predicate), names: branches.map(\.name), hasDefault: withDefault))
        let arms = branches.map(\.name) + (withDefault ? ["default"] : [])
        return arms.map { arm in branchNode.then("\(name).\(arm)", .branchArm) }
    }

    /// One stream of this stream's records and those of `others`.
    public func merge(_ name: String, with others: [KStream]) -> KStream {
        KStream(builder: builder, node: builder.add(name, .merge, parents: [node] + others.map(\.node)))
    }

    /// Calls `action` for each record and passes the record on.
    public func peek(_ name: String, _ action: @escaping @Sendable (StreamRecord) -> Void) -> KStream {
        then(name, .peek(action))
    }

    /// Writes the stream to `topic`.
    public func to(_ name: String, topic: String, keyFormat: RecordFormat = .string, valueFormat: RecordFormat = .json) {
        _ = then(name, .sink(topic: topic, keyFormat: keyFormat, valueFormat: valueFormat))
    }

    /// Re-keys the stream through the internal topic `topic` (`<application-id>-<name>-repartition`), so
    /// that all records of a key reach the same task. Returns the stream read back from that topic.
    public func repartition(_ name: String, topic: String) -> KStream {
        _ = then("\(name).sink", .repartitionSink(topic: topic))
        let source = builder.add("\(name).source", .repartitionSource(topic: topic), parents: [])
        builder.registerSource(source, topic: topic)
        return KStream(builder: builder, node: source)
    }

    /// Writes the stream to the repartition topic `topic` that another ``repartition(_:topic:)`` reads.
    public func toRepartitionTopic(_ name: String, topic: String) {
        _ = then(name, .repartitionSink(topic: topic))
    }

    /// A foreign-key join's right side, on the stream of its subscriptions: each kept or forgotten and
    /// answered; the stream after it carries the answers (see ``ForeignKeyJoin``).
    public func foreignKeySubscriptions(_ name: String, _ join: ForeignKeyJoin) -> KStream {
        then(name, .foreignKeySubscription(join))
    }

    /// A foreign-key join's right side, on the right table: each change answers the rows subscribed to it.
    public func foreignKeyRightUpdates(_ name: String, _ join: ForeignKeyJoin) -> KStream {
        then(name, .foreignKeyRightUpdate(join))
    }

    /// A foreign-key join's left side, on the stream of answers: the joined table's changes.
    public func foreignKeyResponses(_ name: String, _ join: ForeignKeyJoin) -> KStream {
        then(name, .foreignKeyResponse(join))
    }

    /// Aggregates the records per key (and window) in a state store; the stream after it carries the
    /// aggregates (every update, or each window's final value).
    public func aggregate(_ name: String, _ aggregation: Aggregation) -> KStream {
        then(name, .aggregate(aggregation))
    }

    /// Keeps the latest value per key in `store` (a null value deletes the key) and passes the changes
    /// on, each with the key's previous value.
    public func toTable(_ name: String, store: String) -> KStream {
        then(name, .toTable(store: store))
    }

    /// Joins each record with the current value of its key in the table materialized in `join.store`.
    public func join(_ name: String, _ join: StreamTableJoin) -> KStream {
        then(name, .streamTableJoin(join))
    }

    /// Starts and cancels per-key timers on stream time; the stream after it carries the fired timers.
    public func timers(_ name: String, _ schedule: TimerSchedule) -> KStream {
        then(name, .timers(schedule))
    }

    /// Keeps the first copy of each id `deduplication` computes and drops the copies that follow while it
    /// remembers the id.
    public func deduplicate(_ name: String, _ deduplication: Deduplication) -> KStream {
        then(name, .deduplicate(deduplication))
    }

    /// Joins this stream (the left side) with `other` within a window of event time; the stream after
    /// it carries the joined records of both sides.
    public func join(_ name: String, _ other: KStream, _ join: StreamStreamJoin) -> KStream {
        let left = then("\(name).left", .streamStreamJoin(join, side: .left))
        let right = other.then("\(name).right", .streamStreamJoin(join, side: .right))
        return left.merge(name, with: [right])
    }

    /// Joins this table with `other` (both materialized in the join's stores); the stream after it is
    /// the joined table's changes.
    public func join(_ name: String, table other: KStream, _ join: TableTableJoin) -> KStream {
        let left = then("\(name).left", .tableTableJoin(join, side: .left))
        let right = other.then("\(name).right", .tableTableJoin(join, side: .right))
        return left.merge(name, with: [right])
    }

    /// Joins each record with the value of the key `join.lookupKey` computes in the global table kept in
    /// `join.store`.
    public func join(_ name: String, globalTable join: StreamTableJoin) -> KStream {
        then(name, .globalTableJoin(join))
    }
}
