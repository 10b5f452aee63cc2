import StreamCore

/// Reads a dead-letter topic, as a member of a consumer group, from the group's committed position up
/// to the end each partition had when reading began: records dead-lettered meanwhile (the replay's own
/// failures among them) wait for the next run. The ends are fixed up front for every partition of the
/// topic, so a rebalance while reading changes nothing about where reading stops.
struct DeadLetterReader {
    let consumer: KafkaConsumer
    let topic: String
    /// How long reading may go without a record before it gives up (a partition never assigned).
    var stallTimeout: Duration = .seconds(60)
    private var ends: [TopicPartition: Int64] = [:]
    private var buffered: [ConsumerRecord] = []

    /// Subscribes `consumer` (whose group remembers what was replayed) to `topic`, which has
    /// `partitions` partitions, and notes where each partition ends now.
    init(consumer: KafkaConsumer, topic: String, partitions: Int) throws {
        self.consumer = consumer
        self.topic = topic
        let all = (0..<Int32(partitions)).map { TopicPartition(topic, $0) }
        let committed = try consumer.committedOffsets(for: all)
        for partition in all {
            let (low, high) = try consumer.watermarks(of: partition)
            if max(committed[partition].flatMap { $0 } ?? low, low) < high { ends[partition] = high }
        }
        try consumer.subscribe([topic])
    }

    /// The next record, or nil once every partition is read to its end.
    mutating func next() throws -> ConsumerRecord? {
        var lastProgress = ContinuousClock.now
        while buffered.isEmpty, !ends.isEmpty {
            for record in try consumer.poll(timeout: .milliseconds(200)) {
                guard let end = ends[record.topicPartition], record.offset < end else { continue }
                if record.offset + 1 >= end { ends[record.topicPartition] = nil }
                buffered.append(record)
                lastProgress = .now
            }
            guard lastProgress.duration(to: .now) < stallTimeout else {
                throw ReadingStalled(topic: topic, unfinished: ends.keys.sorted(), timeout: stallTimeout)
            }
        }
        return buffered.isEmpty ? nil : buffered.removeFirst()
    }
}

/// Reading the dead-letter topic made no progress (a partition never assigned, or a broker away).
struct ReadingStalled: Error, CustomStringConvertible {
    var topic: String
    var unfinished: [TopicPartition]
    var timeout: Duration
    var description: String { "no record of \(topic) arrived for \(timeout); partitions not read to their end: \(unfinished)" }
}
