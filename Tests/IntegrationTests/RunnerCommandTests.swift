import Foundation
import Testing

/// The `runner` commands as operators type them: exit statuses and what they print.
@Suite("runner commands")
struct RunnerCommandTests {
    private let invalidFixtures = repositoryRoot + "/Tests/TopologiesTests/Fixtures/invalid"

    @Test func validateAcceptsEveryShopTopology() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/topologies")
            .filter { $0.hasSuffix(".yml") }.map { repositoryRoot + "/topologies/" + $0 }
        #expect(!files.isEmpty)
        let result = try runRunner(["validate"] + files)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.split(separator: "\n").count == files.count)
    }

    @Test func validateReportsFileLineColumnAndExitsOne() throws {
        let file = invalidFixtures + "/unknown-step.yml"
        let result = try runRunner(["validate", file])
        #expect(result.status == 1)
        #expect(result.errors.hasPrefix("\(file):9:9: unknown step 'filer'; expected one of: "), "\(result.errors)")
    }

    @Test func validateChecksEveryFileAndFailsIfAnyIsBad() throws {
        let good = repositoryRoot + "/topologies/interactions.yml"
        let bad = invalidFixtures + "/undefined-source.yml"
        let result = try runRunner(["validate", good, bad])
        #expect(result.status == 1)
        #expect(result.output.contains("\(good): ok"))
        #expect(result.errors.hasPrefix(bad + ":"))
    }

    @Test func runWithoutABrokerFlagRefusesToStartAndSaysWhichFlagToGive() throws {
        let result = try runRunner(["--topology", repositoryRoot + "/topologies/interactions.yml"])
        #expect(result.status != 0)
        #expect(result.errors.contains("--bootstrap-servers") && result.errors.contains("--dev"))
    }

    @Test func describePrintsTheGraphAsTextAndAsDOT() throws {
        let file = repositoryRoot + "/topologies/interactions.yml"
        let text = try runRunner(["describe", file])
        #expect(text.status == 0)
        #expect(text.output.contains("Topics written: customer-interactions, identifies, order-events, support-inquiries"))
        let dot = try runRunner(["describe", file, "--format", "dot"])
        #expect(dot.output.hasPrefix("digraph \"shop-interactions\" {"))
        #expect(dot.output.contains("\"topic:tracking-events\" -> \"tracking\";"))
    }
}

@Suite("runner run against an existing cluster")
struct RunnerTopicCheckTests {
    @Test func aTopicWithAnotherPartitionCountThanDeclaredStopsTheRunnerBeforeItStarts() throws {
        let broker = try TestDevBroker(topics: ["tracking-events:2"])
        let file = repositoryRoot + "/topologies/interactions.yml"
        let result = try runRunner(["run", "--topology", file, "--bootstrap-servers", broker.bootstrapServers, "--log-level", "warning"])
        #expect(result.status == 1)
        #expect(result.errors.contains("\(file):13:12: topic 'tracking-events' has 2 partitions on the cluster, but this topology declares 4"), "\(result.errors)")
    }
}
