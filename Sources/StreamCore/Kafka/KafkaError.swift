/// A failure of the Kafka edge: one librdkafka reported, or one the edge detected itself.
///
/// librdkafka's own error name and message are kept verbatim in `message`, so an operator can
/// search for them in librdkafka's documentation.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; open-ended, as librdkafka grows new errors.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        init(_ name: String) { self.name = name }

        /// A configuration property was unknown or had an invalid value.
        public static let invalidConfiguration = Code("invalid configuration")
        /// A client handle could not be created.
        public static let clientCreationFailed = Code("client creation failed")
        /// A record could not be enqueued or was not delivered.
        public static let deliveryFailed = Code("delivery failed")
        /// Records still queued when a flush ran out of time.
        public static let flushTimedOut = Code("flush timed out")
        /// A committed (or requested) position lies outside the records the broker still holds.
        public static let offsetOutOfRange = Code("offset out of range")
        /// Committing offsets failed.
        public static let commitFailed = Code("commit failed")
        /// Subscribing, assigning, pausing, resuming or seeking failed.
        public static let consumerFailed = Code("consumer operation failed")
        /// A metadata request failed.
        public static let metadataFailed = Code("metadata request failed")
        /// An admin request (topic creation) failed.
        public static let adminFailed = Code("admin request failed")
        /// The client hit an error it cannot recover from (for example a fenced idempotent producer).
        public static let fatal = Code("fatal error")
        /// The client was used after `close()`.
        public static let closed = Code("client closed")
        /// The mock cluster could not be started or configured.
        public static let mockClusterFailed = Code("mock cluster failed")

        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// librdkafka's error name and message, or the edge's own explanation.
    public var message: String
    /// The topic and partition concerned, when there is one.
    public var topicPartition: TopicPartition?
    /// The offset concerned, when there is one.
    public var offset: Int64?
    /// librdkafka's (or the broker's) error code behind the failure, when there is one: what callers
    /// decide on, never the message's text.
    public var protocolCode: KafkaProtocolErrorCode?

    public init(code: Code, message: String, topicPartition: TopicPartition? = nil, offset: Int64? = nil, protocolCode: KafkaProtocolErrorCode? = nil) {
        self.code = code
        self.message = message
        self.topicPartition = topicPartition
        self.offset = offset
        self.protocolCode = protocolCode
    }

    /// Whether a commit failed only because the group is rebalancing (or moved on without this member).
    var isRebalanceInterruption: Bool {
        code == .commitFailed && [.rebalanceInProgress, .illegalGeneration, .unknownMemberID, .assignmentLost].contains(protocolCode)
    }

    /// Whether a commit failed only because the group coordinator could not be reached or did not answer
    /// in time (it is moving, restarting or unreachable; librdkafka gives up waiting for it after
    /// `session.timeout.ms` with `_WAIT_COORD`): nothing is wrong with the offsets themselves.
    var isCoordinatorUnavailable: Bool {
        code == .commitFailed && [
            .waitingForCoordinator, .timedOut, .requestTimedOut, .transport, .coordinatorNotAvailable, .notCoordinator,
            .coordinatorLoadInProgress, .networkException,
        ].contains(protocolCode)
    }

    public var description: String {
        var text = "Kafka \(code): \(message)"
        if let topicPartition { text += " [\(topicPartition)" + (offset.map { " offset \($0)" } ?? "") + "]" }
        return text
    }
}
