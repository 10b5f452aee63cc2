/// Runs input records through a topology's graph, one at a time, against the state of the task that
/// owns the record's partition.
///
/// The outputs of one input are returned together, and its state changes are kept only when it
/// succeeds, so an input that fails halfway produces nothing but its dead letter: never half of its
/// outputs, never half of its state changes.
///
/// - Important: Not thread-safe; each stream thread owns one (it keeps per-node statistics).
public final class RecordProcessor {
    /// What became of one input record.
    public enum Outcome: Sendable {
        /// The records to write (possibly none: filtered out).
        case outputs([ProducerRecord])
        /// The record could not be processed; write `record` to the dead-letter topic.
        case deadLetter(ProducerRecord, ProcessingError)
    }

    public let topology: Topology
    var statistics: [NodeStatistics]
    /// ``Topology/feedbackTopics``: their records carry their origin.
    private let feedbackTopics: Set<String>
    /// The largest output record, key, value and headers: librdkafka's default `message.max.bytes`
    /// (1,000,000) less room for the record's framing. A larger output would fail the producer and stop
    /// the stream thread on every restart; the input is dead-lettered instead.
    public var maximumRecordBytes = DeadLetter.maximumRecordBytes
    /// How far, in milliseconds, a record's event time may be ahead of ``wallClock``; further ahead, the
    /// record is dead-lettered. `nil` (the default, and in tests, whose clock is their own) accepts any.
    public var maximumEventTimeSkew: Int64?
    /// The time wall-clock timers are set by, in epoch milliseconds (replaceable in tests).
    public var wallClock: @Sendable () -> Int64 = RecordProcessor.systemWallClock
    /// Whether some timer step or punctuation runs on the wall clock, so the stream thread must punctuate.
    public var punctuatesOnWallClock: Bool {
        !punctuationNodes(on: .wallClock).isEmpty || topology.nodes.contains { node in
            if case .timers(let schedule) = node.operation { return schedule.clock == .wallClock }
            return false
        }
    }
    /// The punctuations on stream time, which every input of a task that holds their store may set off.
    private(set) var streamTimePunctuations: [(node: TopologyNode, punctuation: Punctuation)] = []

    public init(topology: Topology) {
        self.topology = topology
        feedbackTopics = Set(topology.feedbackTopics)
        statistics = topology.nodes.map { node in
            var isWindowed = false
            switch node.operation {
            case .aggregate(let aggregation): isWindowed = aggregation.windows != nil
            case .streamStreamJoin: isWindowed = true
            default: break
            }
            return NodeStatistics(application: topology.applicationID, node: node.name, countsLateRecords: isWindowed)
        }
        streamTimePunctuations = punctuationNodes(on: .streamTime)
    }

    /// Processes one record read from one of the topology's source topics, against `state` (the stores
    /// of the task that owns the record's partition; stateless topologies need none).
    public func process(_ input: ConsumerRecord, state: TaskState = TaskState()) -> Outcome {
        process(decode(input), state: state)
    }

    /// Processes a record read with ``decode(_:)``: a record that could not be read goes to the
    /// dead-letter topic with why.
    public func process(_ input: DecodedInput, state: TaskState = TaskState()) -> Outcome {
        let (record, sourceID): (StreamRecord, TopologyNode.ID)
        switch input.decoded {
        case .success(let decoded): (record, sourceID) = decoded
        case .failure(let error):
            return .deadLetter(DeadLetter.record(for: input.record, error: error, topic: topology.deadLetterTopic, maximumBytes: maximumRecordBytes), error)
        }
        let origin = record.origin
        var outputs: [ProducerRecord] = []
        state.beginRecord()
        do throws(ProcessingError) {
            statistics[sourceID].recordReceived()
            try forward(record, from: sourceID, state: state, into: &outputs)
            if !streamTimePunctuations.isEmpty { try punctuateOnStreamTime(after: record, state: state, into: &outputs) }
            if let oversized = outputs.first(where: { $0.payloadSize > maximumRecordBytes }) {
                throw ProcessingError(
                    kind: .outputTooLarge, message: "an output to \(oversized.topic) is \(oversized.payloadSize) bytes; the producer sends at most \(maximumRecordBytes)",
                    node: topology.nodes.first { $0.operation.writtenTopic == oversized.topic }?.name ?? oversized.topic, origin: origin)
            }
            state.endRecord()
            return .outputs(outputs)
        } catch {
            state.rollBackRecord()
            return .deadLetter(DeadLetter.record(for: input.record, error: error, topic: topology.deadLetterTopic, maximumBytes: maximumRecordBytes), error)
        }
    }

    /// Reads `input` as its source does — key, value, headers, event time — once, for choosing the
    /// order of a task's records (``DecodedInput/eventTime``) and then for processing it.
    public func decode(_ input: ConsumerRecord) -> DecodedInput {
        let origin = RecordOrigin(topic: input.topic, partition: input.partition, offset: input.offset)
        guard let sourceID = topology.sourceNodeByTopic[input.topic] else {
            return DecodedInput(record: input, decoded: .failure(ProcessingError(kind: .undecodable, message: "no source reads topic \(input.topic)", node: "-", origin: origin)))
        }
        do throws(ProcessingError) {
            return DecodedInput(record: input, decoded: .success((try decode(input, at: topology.nodes[sourceID], origin: origin), sourceID)))
        } catch {
            return DecodedInput(record: input, decoded: .failure(error))
        }
    }

    /// Records received and dropped per node, in node order.
    public var nodeCounts: [(node: String, received: Int, dropped: Int)] {
        zip(topology.nodes, statistics).map { ($0.name, $1.received, $1.dropped) }
    }

    private func decode(_ input: ConsumerRecord, at source: TopologyNode, origin: RecordOrigin) throws(ProcessingError) -> StreamRecord {
        let keyFormat: RecordFormat
        let valueFormat: RecordFormat
        var eventTime: (@Sendable (StreamRecord) throws -> Int64)?
        var headers = input.headers
        switch source.operation {
        case .source(_, let key, let value, let time):
            (keyFormat, valueFormat, eventTime) = (key, value, time)
        case .repartitionSource:
            // Written by a repartition sink: a text key, a JSON value, event time as the timestamp.
            (keyFormat, valueFormat) = (.string, .json)
            headers = OriginHeaders.removing(from: headers)
        default:
            preconditionFailure("source map names a non-source node")
        }
        var key: JSONValue
        var oldValue: JSONValue?
        let value: JSONValue
        do {
            if case .repartitionSource = source.operation {
                (key, oldValue, headers) = RepartitionCodec.decode(key: input.key, headers: headers)
            } else {
                key = try RecordCodec.decode(input.key, as: keyFormat)
            }
        } catch {
            throw ProcessingError(kind: .undecodable, message: "key is \(error.message)", node: source.name, origin: origin)
        }
        do {
            value = try RecordCodec.decode(input.value, as: valueFormat)
        } catch {
            throw ProcessingError(kind: .undecodable, message: "value is \(error.message)", node: source.name, origin: origin)
        }
        var record = StreamRecord(
            key: key, arrivedKey: EncodedBytes(bytes: input.key, format: keyFormat),
            value: value, arrivedValue: EncodedBytes(bytes: input.value, format: valueFormat),
            headers: headers, timestamp: input.timestamp, origin: origin)
        record.oldValue = oldValue
        if let eventTime {
            record.timestamp = try run(source, origin: origin, defaultKind: .invalidEventTime) { try eventTime(record) }
        }
        if case .source = source.operation { try checkEventTime(of: record, at: source) }
        return record
    }

    /// Refuses an event time a task must not take as its stream time: before the Unix epoch (Kafka
    /// Streams' default timestamp extractor refuses negative times too), or further ahead of the wall
    /// clock than ``maximumEventTimeSkew`` — one such record would close every window of its task and make
    /// all later records late.
    private func checkEventTime(of record: StreamRecord, at source: TopologyNode) throws(ProcessingError) {
        if record.timestamp < 0 {
            throw ProcessingError(
                kind: .invalidEventTime, message: "event time \(EventTimestamp.formatISO8601(record.timestamp)) is before 1970-01-01 (the Unix epoch)",
                node: source.name, origin: record.origin)
        }
        if let skew = maximumEventTimeSkew {
            let now = wallClock()
            if record.timestamp > now + skew {
                throw ProcessingError(
                    kind: .invalidEventTime,
                    message: "event time \(EventTimestamp.formatISO8601(record.timestamp)) is more than \(skew / 1000) s ahead of the wall clock (\(EventTimestamp.formatISO8601(now))); runner run --max-event-time-skew-hours sets how far ahead is accepted",
                    node: source.name, origin: record.origin)
            }
        }
    }

    func forward(_ record: StreamRecord, from parent: TopologyNode.ID, state: TaskState, into outputs: inout [ProducerRecord]) throws(ProcessingError) {
        for child in topology.nodes[parent].children {
            try process(record, at: child, state: state, into: &outputs)
        }
    }

    private func process(_ record: StreamRecord, at id: TopologyNode.ID, state: TaskState, into outputs: inout [ProducerRecord]) throws(ProcessingError) {
        let node = topology.nodes[id]
        statistics[id].recordReceived()
        let origin = record.origin
        switch node.operation {
        case .source, .repartitionSource:
            preconditionFailure("a source has no parent")
        case .filter(let predicate):
            if try run(node, origin: origin, { try predicate(record) }) {
                try forward(record, from: id, state: state, into: &outputs)
            } else {
                statistics[id].recordDropped()
            }
        case .require(let predicate, let reason):
            guard try run(node, origin: origin, { try predicate(record) }) else {
                throw ProcessingError(kind: .requirementFailed, message: reason, node: node.name, origin: origin)
            }
            try forward(record, from: id, state: state, into: &outputs)
        case .transform(_, let transform):
            var changed = record
            try run(node, origin: origin) { try transform(&changed) }
            try forward(changed, from: id, state: state, into: &outputs)
        case .flatMap(let transform):
            for produced in try run(node, origin: origin, { try transform(record) }) {
                try forward(produced, from: id, state: state, into: &outputs)
            }
        case .branch(let predicates, _, let hasDefault):
            for (index, predicate) in predicates.enumerated() where try run(node, origin: origin, { try predicate(record) }) {
                return try process(record, at: node.children[index], state: state, into: &outputs)
            }
            if hasDefault {
                try process(record, at: node.children[predicates.count], state: state, into: &outputs)
            } else {
                statistics[id].recordDropped()
            }
        case .merge, .branchArm, .punctuation:
            try forward(record, from: id, state: state, into: &outputs)
        case .peek(let action):
            action(record)
            try forward(record, from: id, state: state, into: &outputs)
        case .sink(let topic, let keyFormat, let valueFormat):
            outputs.append(ProducerRecord(
                topic: topic,
                key: RecordCodec.encode(record.key, arrived: record.arrivedKey, as: keyFormat),
                value: RecordCodec.encode(record.value, arrived: record.arrivedValue, as: valueFormat),
                headers: outputHeaders(of: record, at: node, fanout: outputs.count, carryingOrigin: feedbackTopics.contains(topic)),
                timestamp: record.timestamp))
        case .repartitionSink(let topic):
            let key = RepartitionCodec.encode(key: record.key, oldValue: record.oldValue)
            outputs.append(ProducerRecord(
                topic: topic,
                key: key.key,
                value: RecordCodec.encode(record.value, arrived: record.arrivedValue, as: .json),
                headers: record.headers + key.headers + OriginHeaders.headers(for: origin, fanout: outputs.count),
                timestamp: record.timestamp))
        case .aggregate(let aggregation):
            try aggregate(record, aggregation, at: node, state: state, into: &outputs)
        case .toTable(let store):
            if let change = try materialize(record, in: state.store(store), at: node) {
                try forward(change, from: id, state: state, into: &outputs)
            } else {
                statistics[id].recordDropped()
            }
        case .streamStreamJoin(let join, let side):
            try joinStreams(record, join, side: side, at: node, state: state, into: &outputs)
        case .tableTableJoin(let join, let side):
            if let joined = try joinTables(record, join, side: side, at: node, state: state) {
                try forward(joined, from: id, state: state, into: &outputs)
            } else {
                statistics[id].recordDropped()
            }
        case .timers(let schedule):
            try runTimers(record, schedule, at: node, state: state, into: &outputs)
        case .deduplicate(let deduplication):
            if try isFirstCopy(record, deduplication, at: node, state: state) {
                try forward(record, from: id, state: state, into: &outputs)
            } else {
                statistics[id].recordDropped()
            }
        case .foreignKeySubscription(let join):
            try subscribe(record, join, at: node, state: state, into: &outputs)
        case .foreignKeyRightUpdate(let join):
            try answerSubscribers(of: record, join, at: node, state: state, into: &outputs)
        case .foreignKeyResponse(let join):
            if let joined = try joinAnswer(record, join, at: node, state: state) {
                try forward(joined, from: id, state: state, into: &outputs)
            } else {
                statistics[id].recordDropped()
            }
        case .streamTableJoin(let join), .globalTableJoin(let join):
            if let joined = try self.join(record, join, at: node, state: state) {
                try forward(joined, from: id, state: state, into: &outputs)
            } else {
                statistics[id].recordDropped()
            }
        }
    }

    /// An output's headers: the record's, its deterministic id (the same however often the input is
    /// reprocessed) and, to a feedback topic, its origin. One array, sized once: a sink runs per output.
    private func outputHeaders(of record: StreamRecord, at node: TopologyNode, fanout: Int, carryingOrigin: Bool) -> [KafkaHeader] {
        var headers: [KafkaHeader] = []
        headers.reserveCapacity(record.headers.count + 1 + (carryingOrigin ? OriginHeaders.count : 0))
        headers.append(contentsOf: record.headers)
        headers.append(KafkaHeader(OriginHeaders.id, record.resultID.map { Array($0.utf8) } ?? OriginHeaders.id(node: node.name, origin: record.origin, fanout: fanout)))
        if carryingOrigin { headers.append(contentsOf: OriginHeaders.headers(for: record.origin, fanout: fanout)) }
        return headers
    }

    /// Runs a step's closure, turning what it throws into a ``ProcessingError`` naming the node.
    func run<Result>(
        _ node: TopologyNode, origin: RecordOrigin, defaultKind: ProcessingError.Kind = .expressionFailed,
        _ body: () throws -> Result
    ) throws(ProcessingError) -> Result {
        do {
            return try body()
        } catch let failure as StepFailure {
            throw ProcessingError(kind: failure.kind, message: failure.message, node: node.name, origin: origin)
        } catch {
            throw ProcessingError(kind: defaultKind, message: "\(error)", node: node.name, origin: origin)
        }
    }
}
