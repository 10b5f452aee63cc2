/// Runs input records through a topology's graph, one at a time.
///
/// The outputs of one input are returned together, so an input that fails halfway produces nothing but
/// its dead letter: never half of its outputs.
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
    private var statistics: [NodeStatistics]

    public init(topology: Topology) {
        self.topology = topology
        statistics = topology.nodes.map { NodeStatistics(application: topology.applicationID, node: $0.name) }
    }

    /// Processes one record read from one of the topology's source topics.
    public func process(_ input: ConsumerRecord) -> Outcome {
        let origin = RecordOrigin(topic: input.topic, partition: input.partition, offset: input.offset)
        guard let sourceID = topology.sourceNodeByTopic[input.topic] else {
            let error = ProcessingError(kind: .undecodable, message: "no source reads topic \(input.topic)", node: "-", origin: origin)
            return .deadLetter(DeadLetter.record(for: input, error: error, topic: topology.deadLetterTopic), error)
        }
        var outputs: [ProducerRecord] = []
        do throws(ProcessingError) {
            let record = try decode(input, at: topology.nodes[sourceID], origin: origin)
            statistics[sourceID].recordReceived()
            try forward(record, from: sourceID, into: &outputs)
            return .outputs(outputs)
        } catch {
            return .deadLetter(DeadLetter.record(for: input, error: error, topic: topology.deadLetterTopic), error)
        }
    }

    /// Records received and dropped per node, in node order.
    public var nodeCounts: [(node: String, received: Int, dropped: Int)] {
        zip(topology.nodes, statistics).map { ($0.name, $1.received, $1.dropped) }
    }

    private func decode(_ input: ConsumerRecord, at source: TopologyNode, origin: RecordOrigin) throws(ProcessingError) -> StreamRecord {
        guard case .source(_, let keyFormat, let valueFormat, let eventTime) = source.operation else {
            preconditionFailure("source map names a non-source node")
        }
        let key: JSONValue
        let value: JSONValue
        do {
            key = try RecordCodec.decode(input.key, as: keyFormat)
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
            headers: input.headers, timestamp: input.timestamp, origin: origin)
        if let eventTime {
            record.timestamp = try run(source, origin: origin, defaultKind: .invalidEventTime) { try eventTime(record) }
        }
        return record
    }

    private func forward(_ record: StreamRecord, from parent: TopologyNode.ID, into outputs: inout [ProducerRecord]) throws(ProcessingError) {
        for child in topology.nodes[parent].children {
            try process(record, at: child, into: &outputs)
        }
    }

    private func process(_ record: StreamRecord, at id: TopologyNode.ID, into outputs: inout [ProducerRecord]) throws(ProcessingError) {
        let node = topology.nodes[id]
        statistics[id].recordReceived()
        let origin = record.origin
        switch node.operation {
        case .source:
            preconditionFailure("a source has no parent")
        case .filter(let predicate):
            if try run(node, origin: origin, { try predicate(record) }) {
                try forward(record, from: id, into: &outputs)
            } else {
                statistics[id].recordDropped()
            }
        case .require(let predicate, let reason):
            guard try run(node, origin: origin, { try predicate(record) }) else {
                throw ProcessingError(kind: .requirementFailed, message: reason, node: node.name, origin: origin)
            }
            try forward(record, from: id, into: &outputs)
        case .transform(_, let transform):
            var changed = record
            try run(node, origin: origin) { try transform(&changed) }
            try forward(changed, from: id, into: &outputs)
        case .flatMap(let transform):
            for produced in try run(node, origin: origin, { try transform(record) }) {
                try forward(produced, from: id, into: &outputs)
            }
        case .branch(let predicates, _, let hasDefault):
            for (index, predicate) in predicates.enumerated() where try run(node, origin: origin, { try predicate(record) }) {
                return try process(record, at: node.children[index], into: &outputs)
            }
            if hasDefault {
                try process(record, at: node.children[predicates.count], into: &outputs)
            } else {
                statistics[id].recordDropped()
            }
        case .merge, .branchArm:
            try forward(record, from: id, into: &outputs)
        case .peek(let action):
            action(record)
            try forward(record, from: id, into: &outputs)
        case .sink(let topic, let keyFormat, let valueFormat):
            outputs.append(ProducerRecord(
                topic: topic,
                key: RecordCodec.encode(record.key, arrived: record.arrivedKey, as: keyFormat),
                value: RecordCodec.encode(record.value, arrived: record.arrivedValue, as: valueFormat),
                headers: record.headers,
                timestamp: record.timestamp))
        }
    }

    /// Runs a step's closure, turning what it throws into a ``ProcessingError`` naming the node.
    private func run<Result>(
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
