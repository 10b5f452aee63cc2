/// Why one input record could not be processed: the record goes to the dead-letter topic with this.
public struct ProcessingError: Error, Sendable, CustomStringConvertible {
    /// Open-ended kinds of failure, named in the `tributary.error.kind` dead-letter header.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }

        /// The key or value is not valid in its declared format.
        public static let undecodable = Kind("undecodable")
        /// An expression failed at run time (a type error, division by zero, ...).
        public static let expressionFailed = Kind("expression-failed")
        /// A `require` step's condition did not hold.
        public static let requirementFailed = Kind("requirement-failed")
        /// The event time could not be read from the record.
        public static let invalidEventTime = Kind("invalid-event-time")
        /// A sink needs a key and the computed key is null.
        public static let nullKey = Kind("null-key")
        /// The record arrived after every window it belongs to had closed (with `late: dead-letter`).
        public static let lateRecord = Kind("late-record")
        /// A state store could not be read.
        public static let stateUnavailable = Kind("state-unavailable")
        /// An output larger than the producer sends (`message.max.bytes`).
        public static let outputTooLarge = Kind("output-too-large")

        public var description: String { name }
    }

    public var kind: Kind
    public var message: String
    /// The node that failed.
    public var node: String
    /// The input record.
    public var origin: RecordOrigin

    public init(kind: Kind, message: String, node: String, origin: RecordOrigin) {
        self.kind = kind
        self.message = message
        self.node = node
        self.origin = origin
    }

    public var description: String { "\(kind) at node '\(node)' for \(origin): \(message)" }
}

/// An error a step's closure throws to say which kind of failure it is; others count as `expressionFailed`.
public struct StepFailure: Error, Sendable {
    public var kind: ProcessingError.Kind
    public var message: String

    public init(_ kind: ProcessingError.Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
