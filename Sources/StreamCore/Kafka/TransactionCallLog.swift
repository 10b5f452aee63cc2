import Synchronization

/// One transactional call a producer made, and how it ended.
public struct TransactionCall: Hashable, Sendable, CustomStringConvertible {
    /// The transactional API a producer called.
    public enum Operation: String, Hashable, Sendable, CustomStringConvertible {
        case initTransactions
        case beginTransaction
        case sendOffsetsToTransaction
        case commitTransaction
        case abortTransaction

        public var description: String { rawValue }
    }

    /// How a call ended.
    public enum Outcome: Hashable, Sendable, CustomStringConvertible {
        case succeeded
        /// Failed with this classification and librdkafka error name.
        case failed(KafkaTransactionError.Code, errorName: String)

        public var description: String {
            switch self {
            case .succeeded: "ok"
            case .failed(let code, let name): "\(name) (\(code))"
            }
        }
    }

    public var operation: Operation
    public var outcome: Outcome
    /// The producer's `transactional.id`: a replaced producer shows up under a new one.
    public var transactionalID: String

    public var description: String { "\(operation) \(outcome)" }
}

/// Every transactional call of one or more producers, in the order they returned; safe to read from
/// any thread while producers append.
///
/// - Important: Grows with every commit interval; it is meant for tests and short diagnostics. A
///   long-running application keeps only the newest ``capacity`` calls.
public final class TransactionCallLog: Sendable {
    /// How many calls are kept; older ones are dropped first.
    public let capacity: Int
    private let calls = Mutex<[TransactionCall]>([])

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Appends one call.
    public func record(_ call: TransactionCall) {
        calls.withLock { calls in
            calls.append(call)
            if calls.count > capacity { calls.removeFirst(calls.count - capacity) }
        }
    }

    /// The calls recorded so far, oldest first.
    public var entries: [TransactionCall] { calls.withLock { $0 } }
}
