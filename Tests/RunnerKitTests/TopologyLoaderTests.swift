import ArgumentParser
import Foundation
import Logging
@testable import RunnerKit
import Testing
import TributaryTestSupport

/// Which files `--topology` takes, and what stops a start before anything runs.
@Suite("Topology loader")
struct TopologyLoaderTests {
    let directory = TemporaryDirectory("topology-loader")

    func write(_ name: String, application: String) throws {
        try """
            application-id: \(application)
            sources:
              orders: { topic: orders, partitions: 3 }
            pipelines:
              copy: { from: orders, steps: [ { to: copies } ] }
            """.write(toFile: directory.appending(name), atomically: true, encoding: .utf8)
    }

    @Test func aDirectoryMeansItsTopologyFilesButNotTheirTestsNorSubdirectories() throws {
        try write("b.yml", application: "b")
        try write("a.yml", application: "a")
        try "tests: []".write(toFile: directory.appending("a.test.yml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.appending("examples"), withIntermediateDirectories: true)
        try write("examples/c.yml", application: "c")
        #expect(TopologyLoader.topologyFiles([directory.path]) == [directory.appending("a.yml"), directory.appending("b.yml")])
        #expect(TopologyLoader.topologyFiles([directory.appending("a.test.yml"), directory.appending("examples/c.yml")]) == [directory.appending("examples/c.yml")])
    }

    @Test func twoFilesWithOneApplicationIdStopTheStart() throws {
        try write("a.yml", application: "same")
        try write("b.yml", application: "same")
        #expect(throws: ExitCode.self) { try TopologyLoader.loadAll([directory.path], logger: Logger(label: "test")) }
    }

    @Test func everyTopicComesWithThePartitionCountItNeeds() throws {
        try write("a.yml", application: "a")
        let loaded = try TopologyLoader.loadAll([directory.path], logger: Logger(label: "test"))
        let partitions = TopologyLoader.topicPartitions(of: loaded)
        #expect(partitions == ["orders": 3, "copies": 4, "a-dlq": 4, "a-instances": 1], "sources as declared; what the topology writes with the default 4")
        let following = try TopologyLoader.followingCluster(loaded, partitions: ["orders": 6], logger: Logger(label: "test"))
        #expect(TopologyLoader.topicPartitions(of: following)["orders"] == 6)
    }
}
