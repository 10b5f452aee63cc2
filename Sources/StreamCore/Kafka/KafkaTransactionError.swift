/// A transactional producer call that failed, classified the way librdkafka classifies it, which
/// decides what the caller must do next.
public struct KafkaTransactionError: Error, Sendable, CustomStringConvertible {
    /// What the failure requires of the caller.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Call again: nothing about the transaction changed (a timeout, a coordinator moving).
        public static let retriable = Code("retriable")
        /// The transaction cannot commit: abort it, roll state back to the last commit and process again.
        public static let abortable = Code("transaction requires abort")
        /// The producer can do nothing more (fenced by a newer producer with the same `transactional.id`,
        /// or a broken protocol state): it must be closed and replaced.
        public static let fatal = Code("fatal")

        public var description: String { name }
    }

    /// What the caller must do.
    public var code: Code
    /// The call that failed (`commitTransaction`, ...).
    public var operation: TransactionCall.Operation
    /// librdkafka's error name (`PRODUCER_FENCED`, `_TIMED_OUT`, ...).
    public var errorName: String
    /// librdkafka's explanation.
    public var message: String

    public init(code: Code, operation: TransactionCall.Operation, errorName: String, message: String) {
        self.code = code
        self.operation = operation
        self.errorName = errorName
        self.message = message
    }

    public var description: String { "Kafka transaction \(operation) failed (\(code)): \(errorName): \(message)" }
}
