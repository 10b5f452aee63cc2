import Testing
@testable import StreamCore

/// Only the range assignor keeps a task's partitions of several topics on one instance.
@Suite("Assignment strategy check")
struct AssignmentStrategyCheckTests {
    private func topology(mergingTwoTopics: Bool) throws -> Topology {
        let builder = TopologyBuilder(applicationID: "app")
        var stream = builder.stream("left", topic: "left", keyFormat: .string, valueFormat: .string)
        if mergingTwoTopics {
            stream = stream.merge("both", with: [builder.stream("right", topic: "right", keyFormat: .string, valueFormat: .string)])
        }
        stream.to("out", topic: "out", valueFormat: .string)
        return try builder.build()
    }

    @Test(arguments: ["cooperative-sticky", "roundrobin", " sticky ,range"])
    func strategiesThatBalancePartitionsOneByOneAreRefusedWhenATaskReadsSeveralTopics(strategies: String) throws {
        let merged = try topology(mergingTwoTopics: true)
        #expect {
            try AssignmentStrategyCheck.verify(strategies: strategies, for: merged)
        } throws: { error in
            let message = "\(error)"
            return message.contains("sub-topology 0 of app reads left, right") && message.contains("use range")
        }
        try AssignmentStrategyCheck.verify(strategies: strategies, for: topology(mergingTwoTopics: false))
    }

    @Test func rangeFirstIsAlwaysAllowed() throws {
        try AssignmentStrategyCheck.verify(strategies: "range,roundrobin", for: topology(mergingTwoTopics: true))
        try AssignmentStrategyCheck.verify(strategies: KafkaConsumerConfiguration.RebalanceProtocol.eager.assignmentStrategy, for: topology(mergingTwoTopics: true))
    }
}
