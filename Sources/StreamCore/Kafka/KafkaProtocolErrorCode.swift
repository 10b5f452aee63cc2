/// An error code as a Kafka broker answers it (e.g. 6, `NOT_LEADER_OR_FOLLOWER`), or one of librdkafka's
/// negative local codes (e.g. `_TRANSPORT`, which makes the development broker drop the connection).
///
/// Names are librdkafka's, so every code librdkafka knows can be named; Kafka's newer names for the
/// same codes (`NOT_LEADER_OR_FOLLOWER` for librdkafka 2.0.2's `NOT_LEADER_FOR_PARTITION`) are accepted too.
public struct KafkaProtocolErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The protocol's number for the error.
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The code named `text` (librdkafka's name, case-insensitive, e.g. `REQUEST_TIMED_OUT`) or written
    /// as its number; `nil` for neither.
    public init?(_ text: String) {
        if let number = Int32(text) {
            self.init(rawValue: number)
        } else if let code = RDKafkaErrorNames.code(named: text.uppercased()) {
            self.init(rawValue: code)
        } else {
            return nil
        }
    }

    /// librdkafka's name for the code, e.g. `NOT_LEADER_OR_FOLLOWER`.
    public var name: String { RDKafkaErrorNames.name(of: rawValue) }

    public var description: String { "\(name) (\(rawValue))" }
}

extension KafkaProtocolErrorCode {
    // The codes the engine acts on (numbers as librdkafka's rdkafka.h has them).

    /// `_TRANSPORT`: the connection to a broker failed.
    public static let transport = KafkaProtocolErrorCode(rawValue: -195)
    /// `_TIMED_OUT`: librdkafka gave up waiting.
    public static let timedOut = KafkaProtocolErrorCode(rawValue: -185)
    /// `_QUEUE_FULL`: the producer's queue is full.
    public static let queueFull = KafkaProtocolErrorCode(rawValue: -184)
    /// `_WAIT_COORD`: no group coordinator is known yet.
    public static let waitingForCoordinator = KafkaProtocolErrorCode(rawValue: -180)
    /// `_ASSIGNMENT_LOST`: the consumer lost its partitions (its membership expired).
    public static let assignmentLost = KafkaProtocolErrorCode(rawValue: -142)
    /// `REQUEST_TIMED_OUT`.
    public static let requestTimedOut = KafkaProtocolErrorCode(rawValue: 7)
    /// `NETWORK_EXCEPTION`.
    public static let networkException = KafkaProtocolErrorCode(rawValue: 13)
    /// `COORDINATOR_LOAD_IN_PROGRESS`.
    public static let coordinatorLoadInProgress = KafkaProtocolErrorCode(rawValue: 14)
    /// `COORDINATOR_NOT_AVAILABLE`.
    public static let coordinatorNotAvailable = KafkaProtocolErrorCode(rawValue: 15)
    /// `NOT_COORDINATOR`.
    public static let notCoordinator = KafkaProtocolErrorCode(rawValue: 16)
    /// `ILLEGAL_GENERATION`: the group moved to a new generation without this member.
    public static let illegalGeneration = KafkaProtocolErrorCode(rawValue: 22)
    /// `UNKNOWN_MEMBER_ID`: the group no longer knows this member.
    public static let unknownMemberID = KafkaProtocolErrorCode(rawValue: 25)
    /// `REBALANCE_IN_PROGRESS`.
    public static let rebalanceInProgress = KafkaProtocolErrorCode(rawValue: 27)
}
