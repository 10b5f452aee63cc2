/// Joins: a stream record looks up its key in a table's store.
extension RecordProcessor {
    /// The record joined with its key's table value, or `nil` when an inner join finds no match.
    func join(_ record: StreamRecord, _ join: StreamTableJoin, at node: TopologyNode, state: TaskState) throws(ProcessingError) -> StreamRecord? {
        let lookup = try join.lookupKey.map { lookupKey throws(ProcessingError) in try run(node, origin: record.origin) { try lookupKey(record) } } ?? record.key
        let stored: [UInt8]?
        do {
            stored = lookup.isNull ? nil : try state.store(join.store).get(StoreKeyCodec.encode(lookup))
        } catch {
            throw ProcessingError(kind: .stateUnavailable, message: "store '\(join.store)': \(error)", node: node.name, origin: record.origin)
        }
        var other = try stored.map { bytes throws(ProcessingError) in try decodeAggregate(bytes, node: node, origin: record.origin) }
        if let value = other, let condition = join.condition, !(try run(node, origin: record.origin, { try condition(record, value) })) {
            other = nil
        }
        if other == nil, join.kind == .inner { return nil }
        var joined = record
        joined.value = try run(node, origin: record.origin) { try join.joiner(record, other ?? .null) }
        return joined
    }

    /// The joined value for the key of a table update on `side`: the joiner's result, or null (a
    /// deletion) when the key has no joined value now.
    func joinTables(_ update: StreamRecord, _ join: TableTableJoin, side: StreamStreamJoin.Side, at node: TopologyNode, state: TaskState) throws(ProcessingError) -> JSONValue {
        let otherStore = state.store(side == .left ? join.rightStore : join.leftStore)
        let stored: [UInt8]?
        do {
            stored = try otherStore.get(StoreKeyCodec.encode(update.key))
        } catch {
            throw ProcessingError(kind: .stateUnavailable, message: "store '\(otherStore.name)': \(error)", node: node.name, origin: update.origin)
        }
        let other = try stored.map { bytes throws(ProcessingError) in try decodeAggregate(bytes, node: node, origin: update.origin) } ?? .null
        let (left, right) = side == .left ? (update.value, other) : (other, update.value)
        guard join.joins(left: left, right: right) else { return .null }
        return try run(node, origin: update.origin) { try join.joiner(left, right, update) }
    }
}
