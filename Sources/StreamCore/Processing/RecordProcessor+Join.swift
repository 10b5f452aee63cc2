/// Joins: a stream record looks up its key in a table's store.
extension RecordProcessor {
    /// The record joined with its key's table value, or `nil` when an inner join finds no match.
    ///
    /// As Kafka Streams' `KStreamKTableJoinProcessor`: a record with a null value, or whose lookup key is
    /// null, joins nothing and is dropped — except in a left join, where a record with a null key (and a
    /// value) still goes on with a null table value (KIP-962).
    func join(_ record: StreamRecord, _ join: StreamTableJoin, at node: TopologyNode, state: TaskState) throws(ProcessingError) -> StreamRecord? {
        if record.value.isNull { return nil }
        var other: JSONValue?
        if let lookupKeys = join.lookupKeys {
            other = try tableValues(of: try run(node, origin: record.origin) { try lookupKeys(record) }, join, at: node, origin: record.origin, state: state)
        } else {
            let lookup = try join.lookupKey.map { lookupKey throws(ProcessingError) in try run(node, origin: record.origin) { try lookupKey(record) } } ?? record.key
            let keepsNullKey = join.kind == .left && record.key.isNull
            if lookup.isNull, !keepsNullKey { return nil }
            other = try tableValue(of: lookup, join, at: node, origin: record.origin, state: state)
        }
        if let value = other, let condition = join.condition, !(try run(node, origin: record.origin, { try condition(record, value) })) {
            other = nil
        }
        if other == nil, join.kind == .inner { return nil }
        var joined = record
        joined.value = try run(node, origin: record.origin) { try join.joiner(record, other ?? .null) }
        return joined
    }

    /// The table's value for `key`; nil when it has none.
    private func tableValue(of key: JSONValue, _ join: StreamTableJoin, at node: TopologyNode, origin: RecordOrigin, state: TaskState) throws(ProcessingError) -> JSONValue? {
        let stored: [UInt8]?
        do {
            stored = key.isNull ? nil : try state.store(join.store).get(StoreKeyCodec.encode(key))
        } catch {
            throw ProcessingError(kind: .stateUnavailable, message: "store '\(join.store)': \(error)", node: node.name, origin: origin)
        }
        return try stored.map { bytes throws(ProcessingError) in try decodeAggregate(bytes, node: node, origin: origin) }
    }

    /// The table's values for an array of keys, as an object named by key text; nil when none has one.
    private func tableValues(of keys: JSONValue, _ join: StreamTableJoin, at node: TopologyNode, origin: RecordOrigin, state: TaskState) throws(ProcessingError) -> JSONValue? {
        let elements: [JSONValue]
        switch keys {
        case .null: elements = []
        case .array(let array): elements = array
        default:
            throw ProcessingError(kind: .expressionFailed, message: "'keys' must give an array of keys, got \(keys.typeName)", node: node.name, origin: origin)
        }
        var found = JSONObject()
        for key in elements {
            guard let value = try tableValue(of: key, join, at: node, origin: origin, state: state) else { continue }
            found[StoreKeyCodec.text(of: key)] = value
        }
        return found.isEmpty ? nil : .object(found)
    }

    /// The joined change for the key of a table update on `side` (Kafka Streams' `KTableKTableInnerJoin`,
    /// `...LeftJoin`, `...RightJoin`, `...OuterJoin`): the joiner's result, or null (a deletion) when the
    /// key has no joined value now; stamped with the later of the two sides' times. `nil` — nothing to
    /// forward — for a null key, when a side this join needs is absent (an inner join, or the right side
    /// of a left join, whose left has no value), and for a change from nothing to nothing.
    func joinTables(_ update: StreamRecord, _ join: TableTableJoin, side: StreamStreamJoin.Side, at node: TopologyNode, state: TaskState) throws(ProcessingError) -> StreamRecord? {
        guard !update.key.isNull else { return nil }
        let otherStore = state.store(side == .left ? join.rightStore : join.leftStore)
        let other = try storedValue(at: StoreKeyCodec.encode(update.key), in: otherStore, node: node, origin: update.origin)
        let otherIsRequired = join.kind == .inner || (join.kind == .left && side == .right)
        if other == nil, otherIsRequired || (update.value.isNull && update.oldValue == nil) { return nil }

        func joined(_ value: JSONValue) throws(ProcessingError) -> JSONValue {
            let (left, right) = side == .left ? (value, other?.value ?? .null) : (other?.value ?? .null, value)
            guard join.joins(left: left, right: right) else { return .null }
            return try run(node, origin: update.origin) { try join.joiner(left, right, update) }
        }
        var result = update
        result.value = try joined(update.value)
        result.oldValue = try update.oldValue.map { old throws(ProcessingError) in try joined(old) }.flatMap(\.nonNull)
        result.timestamp = max(update.timestamp, other?.timestamp ?? update.timestamp)
        return result
    }
}
