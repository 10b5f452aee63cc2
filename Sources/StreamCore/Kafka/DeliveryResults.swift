import Synchronization

/// Collects the outcomes of many enqueued records, from the producer's polling thread: the highest
/// offset acknowledged per partition and the first failure. What a stream thread checks before it
/// commits, and what a store checks before it checkpoints.
public final class DeliveryResults: Sendable {
    private struct State {
        var highestOffsets: [TopicPartition: Int64] = [:]
        var firstFailure: KafkaError?
    }

    private let state = Mutex(State())

    public init() {}

    /// Records one delivery result; pass it (or a closure calling it) as an `enqueue` completion.
    public func record(_ result: Result<RecordMetadata, KafkaError>) {
        state.withLock { state in
            switch result {
            case .success(let metadata):
                let partition = TopicPartition(metadata.topic, metadata.partition)
                state.highestOffsets[partition] = max(state.highestOffsets[partition] ?? metadata.offset, metadata.offset)
            case .failure(let error):
                if state.firstFailure == nil { state.firstFailure = error }
            }
        }
    }

    /// The first failed delivery, if any.
    public var firstFailure: KafkaError? { state.withLock { $0.firstFailure } }

    /// The highest acknowledged offset in `partition`, if any record there was acknowledged.
    public func highestOffset(in partition: TopicPartition) -> Int64? {
        state.withLock { $0.highestOffsets[partition] }
    }
}
