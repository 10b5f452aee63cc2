import Testing
@testable import StreamCore

/// Kafka failures are classified by librdkafka's error code, never by their message's text.
@Suite("Kafka errors")
struct KafkaErrorTests {
    @Test func aCommitInterruptedByARebalanceIsKnownByItsCode() {
        for code in [KafkaProtocolErrorCode.rebalanceInProgress, .illegalGeneration, .unknownMemberID, .assignmentLost] {
            #expect(KafkaError(code: .commitFailed, message: "commit", protocolCode: code).isRebalanceInterruption, "\(code)")
        }
        #expect(!KafkaError(code: .commitFailed, message: "commit: REBALANCE_IN_PROGRESS", protocolCode: .requestTimedOut).isRebalanceInterruption)
        #expect(!KafkaError(code: .deliveryFailed, message: "x", protocolCode: .rebalanceInProgress).isRebalanceInterruption, "only commits")
    }

    @Test func anUnreachableCoordinatorIsKnownByItsCode() {
        #expect(KafkaError(code: .commitFailed, message: "commit", protocolCode: .waitingForCoordinator).isCoordinatorUnavailable)
        #expect(KafkaError(code: .commitFailed, message: "commit", protocolCode: .notCoordinator).isCoordinatorUnavailable)
        #expect(!KafkaError(code: .commitFailed, message: "commit: _WAIT_COORD", protocolCode: nil).isCoordinatorUnavailable)
    }

    @Test func theNamedCodesAreLibrdkafkasNumbers() {
        #expect(KafkaProtocolErrorCode("REBALANCE_IN_PROGRESS") == .rebalanceInProgress)
        #expect(KafkaProtocolErrorCode("_QUEUE_FULL") == .queueFull)
        #expect(KafkaProtocolErrorCode("_WAIT_COORD") == .waitingForCoordinator)
        #expect(KafkaProtocolErrorCode("_ASSIGNMENT_LOST") == .assignmentLost)
        #expect(KafkaProtocolErrorCode("_TIMED_OUT") == .timedOut && KafkaProtocolErrorCode("_TRANSPORT") == .transport)
        #expect(KafkaProtocolErrorCode("COORDINATOR_LOAD_IN_PROGRESS") == .coordinatorLoadInProgress)
    }
}
