import Foundation
import Logging
import StreamCore
import Topologies
import TributaryTestSupport

/// The in-process arrival-order harness (issue: the shop gives the same business outcome whatever order
/// its events arrive in): records arranged in the order one arrival says they reach a topology, piped
/// through it by ``TopologyTestDriver`` with one task per partition, as on a cluster.
enum ArrivalHarness {
    /// One way the records reach the topology: how much later (milliseconds of event time, negative for
    /// earlier) a record of `topic` in `partition` arrives than its event time says.
    struct Arrival: CustomStringConvertible, Sendable {
        var name: String
        var partitions: Int
        var delay: @Sendable (_ topic: String, _ partition: Int32) -> Int64

        var description: String { "\(name), \(partitions) partition\(partitions == 1 ? "" : "s")" }
    }

    /// A record to pipe, with its event time (also its record timestamp).
    struct Input: Sendable {
        var topic: String
        var key: String
        var value: String
        var eventTime: Int64
    }

    /// `inputs` in the order they arrive: by event time plus the arrival's delay for their topic and
    /// partition, ties in their given order.
    static func arrange(_ inputs: [Input], _ arrival: Arrival) -> [Input] {
        inputs.enumerated().map { index, input in
            let partition = KeyPartitioner.partition(of: Array(input.key.utf8), partitions: arrival.partitions)
            return (at: input.eventTime + arrival.delay(input.topic, partition), index: index, input: input)
        }.sorted { ($0.at, $0.index) < ($1.at, $1.index) }.map(\.input)
    }

    /// Pipes `inputs` through the topology in `file` over `partitions` partitions; what it wrote, by topic.
    static func run(_ file: String, _ inputs: [Input], partitions: Int) throws -> [String: [ConsumerRecord]] {
        var logger = Logger(label: "arrival-orders")
        logger.logLevel = .error
        let topology = try TopologyCompiler.compile(try TopologyParser.parse(fileAt: file), logger: logger)
        let state = TemporaryDirectory("tributary-arrival")
        let driver = try TopologyTestDriver(topology: topology, stateDirectory: state.path, partitions: partitions)
        defer { driver.close() }
        // Traffic of topics the topology does not read is left out (the shop's traffic holds them all).
        let read = Set(topology.sourceTopics + topology.globalTables.map(\.topic))
        var outputs: [String: [ConsumerRecord]] = [:]
        for input in inputs where read.contains(input.topic) {
            for record in driver.pipe(topic: input.topic, key: Array(input.key.utf8), value: Array(input.value.utf8), timestamp: input.eventTime) {
                let offset = Int64(outputs[record.topic, default: []].count)
                outputs[record.topic, default: []].append(ConsumerRecord(
                    topic: record.topic, partition: record.partition ?? 0, offset: offset, key: record.key, value: record.value, headers: record.headers,
                    timestamp: record.timestamp ?? input.eventTime))
            }
        }
        return outputs
    }
}
