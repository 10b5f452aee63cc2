/// A fetched record as its source reads it (``RecordProcessor/decode(_:)``): decoded once, when it
/// becomes the next of its partition, then processed as read.
public struct DecodedInput: Sendable {
    /// The record as fetched: its position, and what goes to the dead-letter topic if it fails.
    public let record: ConsumerRecord
    /// The record as the topology sees it and the source node that read it, or why it cannot be read.
    let decoded: Result<(record: StreamRecord, source: TopologyNode.ID), ProcessingError>

    /// The event time it is processed at: its source's `event-time`, else its timestamp (also when it
    /// cannot be read — processing will dead-letter it). What a task orders its partitions' records by.
    public var eventTime: Int64 {
        switch decoded {
        case .success(let read): read.record.timestamp
        case .failure: record.timestamp
        }
    }
}
