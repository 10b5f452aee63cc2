/// `every` pipelines: a store's entries emitted on a schedule (``Punctuation``).
///
/// A punctuation node keeps, in the task checkpoint, the time of its last punctuation and (on stream
/// time) the task's stream time, so a restart neither repeats nor skips one.
extension RecordProcessor {
    /// The punctuation nodes on `clock`.
    func punctuationNodes(on clock: TimerSchedule.Clock) -> [(node: TopologyNode, punctuation: Punctuation)] {
        topology.nodes.compactMap { node in
            guard case .punctuation(let punctuation) = node.operation, punctuation.clock == clock else { return nil }
            return (node, punctuation)
        }
    }

    /// Emits the entries of each stream-time punctuation's store whose punctuation `record`'s time has
    /// reached, in the task that holds the store: after the record's own outputs.
    func punctuateOnStreamTime(after record: StreamRecord, state: TaskState, into outputs: inout [ProducerRecord]) throws(ProcessingError) {
        for (node, punctuation) in streamTimePunctuations where state.stores[punctuation.store] != nil {
            let previous = state.checkpoint.streamTimes[node.name]
            let now = max(previous ?? record.timestamp, record.timestamp)
            state.checkpoint.streamTimes[node.name] = now
            try punctuate(node, punctuation, now: now, state: state, origin: record.origin, into: &outputs)
        }
    }

    /// Emits the entries of each wall-clock punctuation's store that is due by `now`.
    func punctuateOnWallClock(now: Int64, state: TaskState, origin: RecordOrigin, into outputs: inout [ProducerRecord]) throws(ProcessingError) {
        for (node, punctuation) in punctuationNodes(on: .wallClock) where state.stores[punctuation.store] != nil {
            try punctuate(node, punctuation, now: now, state: state, origin: origin, into: &outputs)
        }
    }

    private func punctuate(
        _ node: TopologyNode, _ punctuation: Punctuation, now: Int64, state: TaskState, origin: RecordOrigin, into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        let lastName = "\(node.name).last-punctuation"
        let last = state.checkpoint.streamTimes[lastName]
        guard let time = punctuation.due(at: now, after: last) else {
            if last == nil { state.checkpoint.streamTimes[lastName] = punctuation.start(at: now) }
            return
        }
        state.checkpoint.streamTimes[lastName] = time
        statistics[node.id].recordReceived()
        for entry in try entries(of: state.store(punctuation.store), in: .all, node: node, origin: origin) {
            let stored = try decodeStored(entry.value, node: node, origin: origin)
            var emitted = StreamRecord(key: stored.key(from: entry.key), value: stored.value, timestamp: time, origin: origin)
            emitted.resultID = "\(node.name)/\(time)/\(String(decoding: entry.key, as: UTF8.self))"
            try forward(emitted, from: node.id, state: state, into: &outputs)
        }
    }
}
