/// The three parts of a foreign-key join (``ForeignKeyJoin``): subscriptions kept and answered in the
/// right table's tasks, right rows' changes answering their subscribers, and answers joined in the left
/// table's tasks.
extension RecordProcessor {
    /// A subscription from a left row (keyed by its foreign key): kept or forgotten in the subscription
    /// store, and answered with the right row when the instruction asks.
    func subscribe(_ record: StreamRecord, _ join: ForeignKeyJoin, at node: TopologyNode, state: TaskState, into outputs: inout [ProducerRecord]) throws(ProcessingError) {
        guard case .object(let message) = record.value, let leftKey = message["key"],
              let instruction = message["instruction"]?.stringValue.flatMap(ForeignKeyJoin.Instruction.init(rawValue:)) else {
            throw ProcessingError(kind: .undecodable, message: "a foreign-key join subscription must be an object with 'key' and 'instruction'", node: node.name, origin: record.origin)
        }
        let hash = message["hash"] ?? .null
        let store = state.store(join.subscriptionStore)
        let foreignKey = StoreKeyCodec.encode(record.key)
        let subscription = ForeignKeyJoin.subscriptionKey(foreignKey: foreignKey, leftKey: leftKey)
        // Answers are as new as the newer of the subscription and the right row (SubscriptionJoinProcessor).
        let right = instruction == .answerWithoutRow || instruction == .unsubscribe ? nil : try storedValue(at: foreignKey, in: state.store(join.rightStore), node: node, origin: record.origin)
        var answering = record
        answering.timestamp = max(record.timestamp, right?.timestamp ?? record.timestamp)
        switch instruction {
        case .subscribe:
            store.put(subscription, JSONSerializer.serialize(hash))
            if right != nil || message["propagates-absence"] == .bool(true) {
                try answer(answering, to: leftKey, right: right?.value, hash: hash, from: node, state: state, into: &outputs)
            }
        case .unsubscribe:
            store.delete(subscription)
        case .unsubscribeAndAnswer:
            store.delete(subscription)
            try answer(answering, to: leftKey, right: nil, hash: hash, from: node, state: state, into: &outputs)
        case .answerWithoutRow:
            try answer(answering, to: leftKey, right: nil, hash: hash, from: node, state: state, into: &outputs)
        }
    }

    /// A change of a right row (keyed by its key, which left rows refer to): every subscriber is answered.
    func answerSubscribers(of change: StreamRecord, _ join: ForeignKeyJoin, at node: TopologyNode, state: TaskState, into outputs: inout [ProducerRecord]) throws(ProcessingError) {
        guard !change.key.isNull else { return }
        let prefix = ForeignKeyJoin.subscriptionPrefix(foreignKey: StoreKeyCodec.encode(change.key))
        for entry in try entries(of: state.store(join.subscriptionStore), in: .prefix(prefix), node: node, origin: change.origin) {
            guard let leftKey = try? JSONParser.parse(Array(entry.key.dropFirst(prefix.count))), let hash = try? JSONParser.parse(entry.value) else {
                throw ProcessingError(kind: .stateUnavailable, message: "store '\(join.subscriptionStore)' holds an unreadable subscription", node: node.name, origin: change.origin)
            }
            try answer(change, to: leftKey, right: change.value.nonNull, hash: hash, from: node, state: state, into: &outputs)
        }
    }

    /// An answer (keyed by the left row's key) joined with the left row as it is now: the joined value,
    /// a deletion (the row is gone, or an inner join's right row is), or nothing when the row changed
    /// since it asked (another answer follows).
    func joinAnswer(_ record: StreamRecord, _ join: ForeignKeyJoin, at node: TopologyNode, state: TaskState) throws(ProcessingError) -> StreamRecord? {
        guard case .object(let message) = record.value else {
            throw ProcessingError(kind: .undecodable, message: "a foreign-key join answer must be an object with 'value' and 'hash'", node: node.name, origin: record.origin)
        }
        let current = try storedValue(at: StoreKeyCodec.encode(record.key), in: state.store(join.leftStore), node: node, origin: record.origin)
        guard message["hash"]?.stringValue == current.map({ ForeignKeyJoin.hash(of: $0.value) }) else { return nil }
        var result = record
        result.oldValue = nil
        let right = message["value"]?.nonNull
        guard let current, right != nil || join.kind == .left else {
            result.value = .null
            return result
        }
        result.value = try run(node, origin: record.origin) { try join.joiner(record.withValue(current.value), right) }
        return result
    }

    private func answer(
        _ record: StreamRecord, to leftKey: JSONValue, right: JSONValue?, hash: JSONValue, from node: TopologyNode, state: TaskState,
        into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        var answer = record
        answer.key = leftKey
        answer.oldValue = nil
        answer.value = .object(["value": right ?? .null, "hash": hash])
        try forward(answer, from: node.id, state: state, into: &outputs)
    }
}
