import Foundation
import Logging
import StreamCore
import Testing
import TributaryTestSupport

/// The `runner` commands as operators type them: exit statuses and what they print.
@Suite("runner commands")
struct RunnerCommandTests {
    private let invalidFixtures = repositoryRoot + "/Tests/TopologiesTests/Fixtures/invalid"

    @Test func validateAcceptsEveryShopTopology() throws {
        let files = try ["topologies", "topologies/examples"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/" + folder)
                .filter { $0.hasSuffix(".yml") && !$0.hasSuffix(".test.yml") }.map { repositoryRoot + "/\(folder)/" + $0 }
        }
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

    /// A state directory that cannot hold the stores stops the runner before it joins its group (where
    /// the first task's store would fail), naming the directory and the reason; as root, a path through
    /// a file is what no permission bits can make writable.
    @Test func anUnusableStateDirectoryStopsTheRunnerBeforeItJoinsItsGroup() throws {
        let broker = try TestDevBroker(topics: ["customer-interactions:1"], topologies: [repositoryRoot + "/topologies/examples/product-views.yml"])
        let result = try runRunner([
            "run", "--topology", repositoryRoot + "/topologies/examples/product-views.yml", "--bootstrap-servers", broker.bootstrapServers,
            "--state-dir", "/dev/null/state", "--no-http", "--log-level", "info",
        ])
        #expect(result.status == 1)
        #expect(result.errors.contains("state directory '/dev/null/state/product-views' cannot be used: a part of the path is a file, not a directory"), "\(result.errors)")
        #expect(!result.errors.contains("partitions assigned"), "it never joined the group")
    }

    /// Stream threads would each keep their own copy of a global table, drifting apart: refused, before
    /// any broker is reached.
    @Test func moreThanOneThreadForATopologyWithGlobalTablesIsRefused() throws {
        let file = repositoryRoot + "/topologies/support-routing.yml"
        let result = try runRunner(["run", "--topology", file, "--bootstrap-servers", "127.0.0.1:1", "--threads", "2", "--no-http"])
        #expect(result.status == 1)
        #expect(result.errors.contains("\(file): application 'support-routing' has global tables, which run on one stream thread per instance"), "\(result.errors)")
    }

    @Test func anUnknownProcessingGuaranteeIsRefusedNamingTheAcceptedOnes() throws {
        let result = try runRunner(["run", "--topology", repositoryRoot + "/topologies/interactions.yml", "--dev", "--processing-guarantee", "exactly_once"])
        #expect(result.status != 0)
        #expect(result.errors.contains("at_least_once") && result.errors.contains("exactly_once_v2"), "\(result.errors)")
    }

    @Test func kafkaPropertiesReachLibrdkafkaAndAMalformedOneStopsTheStart() throws {
        let topology = repositoryRoot + "/topologies/interactions.yml"
        let unknown = try runRunner(["run", "--topology", topology, "--bootstrap-servers", "127.0.0.1:9", "--no-http", "--kafka-property", "no.such.property=1"])
        #expect(unknown.status != 0)
        #expect(unknown.errors.contains("no.such.property=1"), "librdkafka refused the property by name: \(unknown.errors)")

        let temporary = TemporaryDirectory("kafka")
        let file = temporary.appending("kafka.properties")
        try "# SASL\nsecurity.protocol=PLAINTEXT\nsasl.password hunter2\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let malformed = try runRunner(["run", "--topology", topology, "--bootstrap-servers", "127.0.0.1:9", "--no-http", "--kafka-properties-file", file])
        #expect(malformed.status != 0)
        #expect(malformed.errors.contains("\(file):3: expected KEY=VALUE"), "\(malformed.errors)")
        #expect(!malformed.errors.contains("hunter2"), "a malformed line is not echoed: it may be a secret")
    }

    @Test func describeNamesEachSinkAndItsTopic() throws {
        let result = try runRunner(["describe", repositoryRoot + "/topologies/examples/contacts-to-salesforce.yml"])
        #expect(result.status == 0)
        #expect(result.output.contains("  Sink contacts: Salesforce Contact upsert by Customer_Id__c, 200 per call, from topic contacts-to-salesforce-contacts-sink\n"), "\(result.output)")
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
    /// Kafka Streams follows the cluster: a source with another count than the file declares is read
    /// with the count it has, and only sources that must be co-partitioned are checked — here the
    /// orders' repartition topic (as many partitions as order-events has) and the customers table.
    @Test func sourcesThatAJoinNeedsCoPartitionedButTheClusterHasNotStopTheRunnerBeforeItStarts() throws {
        let broker = try TestDevBroker(topics: ["identifies:2"])
        let file = repositoryRoot + "/topologies/examples/order-enrichment.yml"
        let result = try runRunner(["run", "--topology", file, "--bootstrap-servers", broker.bootstrapServers, "--log-level", "warning", "--no-http"])
        #expect(result.status == 1)
        #expect(result.errors.contains("and table 'customers' (topic 'identifies', 2 partitions) are not co-partitioned"), "\(result.errors)")
    }

    @Test func internalTopicsWithAnotherPartitionCountThanTheTasksNeedStopTheRunner() throws {
        // The repartition topic feeds four tasks, whose stores' changelogs need four partitions each.
        let broker = try TestDevBroker(topics: ["product-views-by-product-repartition:2", "product-views-product-views-1m-changelog:3"])
        let file = repositoryRoot + "/topologies/examples/product-views.yml"
        let result = try runRunner(["run", "--topology", file, "--bootstrap-servers", broker.bootstrapServers, "--log-level", "warning", "--no-http"])
        #expect(result.status == 1)
        #expect(result.errors.contains("\(file):25:24: topic 'product-views-by-product-repartition' has 2 partitions on the cluster, but this topology declares 4"), "\(result.errors)")
        #expect(result.errors.contains("\(file):28:25: topic 'product-views-product-views-1m-changelog' has 3 partitions on the cluster, but this topology declares 4"), "\(result.errors)")
    }
}

@Suite("runner dev-broker")
struct DevBrokerCommandTests {
    @Test func devBrokerCreatesEveryTopicATopologyUsesWithItsDeclaredPartitions() throws {
        let temporary = TemporaryDirectory("dev-broker")
        let file = temporary.appending("dev-broker.yml")
        try """
            application-id: counting
            sources:
              clicks: { topic: clicks, partitions: 6 }
            topics:
              declared-out: 3
            pipelines:
              route:
                from: clicks
                steps:
                  - branch:
                      big:
                        when: value.n > 10
                        steps: [to: declared-out]
                      default:
                        steps: [to: undeclared-out]
              per-user:
                from: clicks
                steps:
                  - to-table: { store: latest }
                  - to-stream: {}
                  - group-by: { key: value.user, repartition: by-user, partitions: 5 }
                  - count: { store: clicks-per-user }
                  - to: declared-out
            """.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let broker = try TestDevBroker(topics: ["extra:2"], topologies: [file])
        var logger = Logger(label: "dev-broker-test")
        logger.logLevel = .critical
        let counts = try KafkaAdminClient(bootstrapServers: broker.bootstrapServers, logger: logger).partitionCounts()
        #expect(counts["clicks"] == 6)
        #expect(counts["declared-out"] == 3)
        #expect(counts["undeclared-out"] == 4, "topics without a declared count get the dev broker's default")
        #expect(counts["counting-dlq"] == 4)
        #expect(counts["extra"] == 2)
        #expect(counts["counting-latest-changelog"] == 6, "a changelog has one partition per task of its store")
        #expect(counts["counting-by-user-repartition"] == 5)
        #expect(counts["counting-clicks-per-user-changelog"] == 5, "the count runs in the tasks of the repartition topic")
        #expect(broker.stop() == 0, "SIGTERM stops the broker cleanly")

        // A source given with --topic and another count: the topology's internal topics follow it.
        let resized = try TestDevBroker(topics: ["clicks:8"], topologies: [file])
        let resizedCounts = try KafkaAdminClient(bootstrapServers: resized.bootstrapServers, logger: logger).partitionCounts()
        #expect(resizedCounts["clicks"] == 8)
        #expect(resizedCounts["counting-latest-changelog"] == 8, "the store's tasks are the source's eight partitions")
        #expect(resizedCounts["counting-by-user-repartition"] == 5, "a declared repartition count stays")
    }
}
