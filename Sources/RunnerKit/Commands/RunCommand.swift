import ArgumentParser
import Foundation
import HTTPServing
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Sinks
import StreamCore
import Topologies

/// `runner run --topology FILE...` (also `runner --topology FILE...`): process until SIGINT/SIGTERM.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run topologies until SIGINT/SIGTERM, then commit what was processed and exit 0.",
        discussion: """
            Give --bootstrap-servers to run against a Kafka cluster, or --dev to start an embedded \
            development broker with every topic the files use. Without either, nothing starts: a forgotten \
            flag must never send production traffic to an in-memory broker.
            """
    )

    @Option(name: .customLong("topology"), help: "A topology file, or a directory of them (repeatable).")
    var topologies: [String] = []

    @Option(help: "The Kafka cluster, host:port[,host:port...].")
    var bootstrapServers: String?

    @Flag(help: "Start an embedded development broker (librdkafka's mock cluster) with every topic the files use.")
    var dev = false

    @Flag(help: "Like --dev, plus the shop around it: a generator of tracking events, a warehouse (inventory), a payment gateway, runner dev-salesforce for Salesforce sinks, and progress logs every 10 s.")
    var demo = false

    @Option(help: "Milliseconds between commits of processed offsets.")
    var commitIntervalMs: Int = 1000

    @Option(help: "Milliseconds a task reading several partitions (joins, merged inputs) waits for one without data before processing the others in timestamp order.")
    var maxTaskIdleMs: Int = 0

    @Option(help: "Dead-letter (invalid-event-time) a record whose event time is more than this many hours ahead of the machine's clock, instead of letting it move its task's stream time into the future; 0 accepts any time (as --demo does, whose event time runs faster than the clock).")
    var maxEventTimeSkewHours: Int = 168

    @Option(help: "Keep warm copies of each stateful task's stores on this many other instances, so a failover restores little.")
    var standbyReplicas: Int = 0

    @Option(help: "When a committed position is gone from the broker: fail (stop the partition), earliest or latest.")
    var offsetOutOfRange: OffsetOutOfRangeArgument = .fail

    @Option(help: "at_least_once or exactly_once_v2 (one Kafka transaction per commit interval); overrides each file's processing-guarantee (default: the file's, else at_least_once).")
    var processingGuarantee: ProcessingGuaranteeArgument?

    @Option(help: "Stream threads per topology, each a consumer-group member with its own consumer and producer; overrides each file's threads (default: the file's, else 1).")
    var threads: Int?

    @Option(help: "Seconds between progress logs (records in, out per topic, dead-lettered); 0 disables.")
    var progressIntervalSeconds: Int = 0

    @Option(help: "Serve interactive queries (GET /stores...), /metadata, /metrics (Prometheus), /health and any topology's /dashboard on this port (0 picks a free one).")
    var httpPort: Int = 8080

    @Flag(help: "Serve no HTTP endpoint at all.")
    var noHTTP = false

    @Option(help: "Directory for state stores: <state-dir>/<application-id>/<task>/<store>.")
    var stateDir: String = StreamsConfiguration(bootstrapServers: "").stateDirectory

    @Option(help: "Address the HTTP endpoint listens on.")
    var httpHost: String = "127.0.0.1"

    @Option(help: "HTTP connections open at once; one more is closed as soon as it is accepted.")
    var httpMaxConnections: Int = 256

    @Option(help: "Seconds an HTTP connection may wait for its next request before it is closed.")
    var httpIdleTimeoutSeconds: Int = 60

    @Option(help: "Seconds a started HTTP request may take to send its request line and headers.")
    var httpHeaderTimeoutSeconds: Int = 10

    @Option(help: "The URL other instances of the application forward key queries to (default: http://HTTP-HOST:HTTP-PORT, the machine's host name for 0.0.0.0).")
    var advertisedHTTPEndpoint: String?

    @Option(help: "A file holding a token that HTTP requests must carry as 'Authorization: Bearer TOKEN' (all but /health); also TRIBUTARY_HTTP_TOKEN.")
    var httpTokenFile: String?

    @Option(help: "MiB of memory for the whole instance, split between RocksDB's shared block cache and memtables, librdkafka's consumer and producer queues, and records buffered per task (logged at start; docs/OPERATIONS.md); 0 keeps RocksDB's and librdkafka's defaults.")
    var memoryBudgetMb: Int = MemoryBudget.defaultMegabytes

    @Option(help: "Seconds a graceful shutdown (SIGTERM, SIGINT) may take to commit and flush before the runner gives up and exits 1.")
    var shutdownTimeoutSeconds: Int = 30

    @OptionGroup var kafka: KafkaPropertiesOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard !topologies.isEmpty else { throw ValidationError("give at least one --topology FILE") }
        if bootstrapServers == nil && !dev && !demo {
            throw ValidationError("no broker given: pass --bootstrap-servers HOST:PORT to run against a Kafka cluster, or --dev to start an embedded development broker")
        }
        guard httpMaxConnections > 0, httpIdleTimeoutSeconds > 0, httpHeaderTimeoutSeconds > 0 else {
            throw ValidationError("--http-max-connections, --http-idle-timeout-seconds and --http-header-timeout-seconds must be positive")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard memoryBudgetMb >= 0 else { throw ValidationError("--memory-budget-mb must be 0 (no budget) or a number of MiB") }
        guard (0...24 * 36_500).contains(maxEventTimeSkewHours) else { throw ValidationError("--max-event-time-skew-hours must be 0 (any time) or a number of hours up to 100 years") }
        if bootstrapServers != nil && (dev || demo) {
            throw ValidationError("--bootstrap-servers and --dev/--demo exclude each other: choose a real cluster or the embedded broker")
        }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "tributary.runner")
        var loaded = try TopologyLoader.loadAll(topologies, logger: logger)
        // Each stream thread keeps a copy of a global table of its own, updated at its own pace: with two,
        // a lookup on one thread could miss an update the other's copy (the one queries read) shows.
        // Until one copy serves every thread, such topologies run on one.
        for topology in loaded where !topology.topology.globalTables.isEmpty && streamThreads(of: topology) > 1 {
            FileHandle.standardError.write(Data("""
                \(topology.definition.file): application '\(topology.topology.applicationID)' has global tables, which run on one stream \
                thread per instance for now; give --threads 1 (or drop threads: from the file) and add instances instead\n
                """.utf8))
            throw ExitCode(1)
        }
        var environment = ProcessInfo.processInfo.environment
        let demoSalesforce = demo ? try await DemoShop.salesforceStandIn(for: loaded.map(\.definition), environment: &environment, logger: logger) : nil
        let sinks: SinkSetup
        do throws(SinkSetup.Problems) {
            sinks = try SinkSetup(loaded, environment: environment, logger: logger)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        let kafkaProperties = try kafka.resolved()
        var services: [any Service] = []
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let stores = QueryableStores()

        let servers: String
        // What the memory budget divides among tasks and stores: the partitions each topic has.
        var partitionCounts = TopologyLoader.topicPartitions(of: loaded)
        if let bootstrapServers {
            servers = bootstrapServers
            let admin = try KafkaAdminClient(bootstrapServers: bootstrapServers, logger: logger, additionalProperties: kafkaProperties)
            let existing = try admin.partitionCounts()
            loaded = try TopologyLoader.followingCluster(loaded, partitions: existing, logger: logger)
            partitionCounts = TopologyLoader.topicPartitions(of: loaded)
            let conflicts = loaded.flatMap { $0.definition.partitionConflicts(with: existing) }
            guard conflicts.isEmpty else {
                FileHandle.standardError.write(Data((TopologyDiagnostics(conflicts).description + "\n").utf8))
                throw ExitCode(1)
            }
            let configs = loaded.reduce(into: [String: [String: String]]()) { $0.merge($1.topology.internalTopicConfigs) { first, _ in first } }
            _ = try TopicSetup.ensure(partitionCounts, configs: configs, admin: admin, logger: logger)
            partitionCounts.merge(existing) { _, actual in actual }
        } else {
            var topics = TopologyLoader.topicPartitions(of: loaded)
            if demo { topics[ShopEventGenerator.topic] = max(topics[ShopEventGenerator.topic] ?? 0, 4) }
            let broker = try DevBroker(configuration: DevBroker.Configuration(topics: KafkaAdminClient.TopicSpecification.list(topics)), logger: logger)
            logger.notice("started an embedded development broker (not for production data)", metadata: [
                "bootstrap": "\(broker.bootstrapServers)", "topics": "\(topics.keys.sorted().joined(separator: ","))",
            ])
            servers = broker.bootstrapServers
            services.append(broker)
        }
        if let demoSalesforce { services.append(demoSalesforce) }
        let directory = InstanceDirectory(
            applications: loaded.map(\.topology.applicationID), stores: stores, bootstrapServers: servers, kafkaProperties: kafkaProperties, logger: logger)
        services.append(directory)
        if !noHTTP {
            let dashboards = loaded.compactMap { topology in topology.definition.dashboard.map { Dashboard($0, application: topology.topology.applicationID) } }
            var http = HTTPServer.Configuration(host: httpHost, port: httpPort)
            http.maximumConnections = httpMaxConnections
            http.idleTimeout = .seconds(httpIdleTimeoutSeconds)
            http.headerTimeout = .seconds(httpHeaderTimeoutSeconds)
            let server = try await OperationsHTTPServer.bind(
                http, registry: registry, stores: stores, dashboards: dashboards, accessToken: try httpAccessToken(), directory: directory, logger: logger)
            directory.serve(at: advertisedHTTPEndpoint ?? "http://\(httpHost == "0.0.0.0" ? ProcessInfo.processInfo.hostName : httpHost):\(server.port)")
            // First in the group, so the last to stop.
            services.insert(server, at: 0)
            if demo, !dashboards.isEmpty {
                // Standard output, unbuffered: the one line a person starting the demo looks for.
                FileHandle.standardOutput.write(Data("Dashboard: \(OperationsHTTPServer.dashboardURL(of: server))\n".utf8))
            }
        }

        var configuration = StreamsConfiguration(bootstrapServers: servers)
        configuration.commitInterval = .milliseconds(commitIntervalMs)
        configuration.stateDirectory = stateDir
        configuration.maxTaskIdle = .milliseconds(maxTaskIdleMs)
        // The demo's generator runs event time about 200 times faster than the clock: no limit there.
        configuration.maxEventTimeSkew = maxEventTimeSkewHours > 0 && !demo ? .seconds(maxEventTimeSkewHours * 3600) : nil
        configuration.queryableStores = stores
        configuration.kafkaProperties = kafkaProperties
        configuration.offsetOutOfRange = offsetOutOfRange.policy
        let threadCounts = loaded.map(streamThreads(of:))
        if memoryBudgetMb > 0 {
            let budget = MemoryBudget(megabytes: memoryBudgetMb, for: Array(zip(loaded.map(\.topology), threadCounts)), partitionCounts: partitionCounts)
            configuration.memoryBudget = budget
            logger.info("\(budget)")
        } else {
            logger.info("no memory budget: RocksDB's and librdkafka's default buffer sizes, tasks never paused for their buffer")
        }
        if progressIntervalSeconds > 0 {
            configuration.progressLogInterval = .seconds(progressIntervalSeconds)
        } else if demo {
            configuration.progressLogInterval = .seconds(10)
        }
        for (topology, threads) in zip(loaded, threadCounts) {
            var configuration = configuration
            configuration.streamThreads = threads
            // The range assignor hands out each topic's partitions among the group's members: a thread
            // beyond the largest sub-topology's task count gets none.
            let busiest = topology.topology.taskCounts(partitionCounts: partitionCounts).max() ?? 1
            if threads > busiest {
                logger.warning("more stream threads than any sub-topology has tasks: \(threads - busiest) of them will stay idle", metadata: [
                    "application": "\(topology.topology.applicationID)", "threads": "\(threads)", "tasks": "\(busiest)",
                ])
            }
            configuration.processingGuarantee = processingGuarantee?.guarantee ?? topology.definition.processingGuarantee ?? .atLeastOnce
            if standbyReplicas > 0 {
                let (application, replicas) = (topology.topology.applicationID, standbyReplicas)
                configuration.standbyPartitions = { directory.standbyPartitions(of: application, replicas: replicas) }
            }
            services.append(StreamApplication(topology: topology.topology, configuration: configuration, logger: logger))
        }
        services += sinks.workers(bootstrapServers: servers, kafkaProperties: kafkaProperties, logger: logger)
        if demo {
            services += try DemoShop.services(for: loaded.map(\.topology), bootstrapServers: servers, logger: logger)
        }
        // Services stop in reverse order: the generator first, then the sinks, the applications, the
        // instance directory (saying this instance leaves), the broker, the HTTP endpoint. A service
        // that fails (a sink whose credentials are refused) shuts the others down gracefully, so they
        // commit what they finished before the runner exits.
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Past the timeout (a broker that does not answer), the runner gives up committing and exits
        // non-zero: the next owner processes the uncommitted records again, which state de-duplicates.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(shutdownTimeoutSeconds)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
    }

    /// `--threads`, else the file's `threads:`, else one (Kafka Streams' `num.stream.threads` default;
    /// docs/OPERATIONS.md, "Stream threads", says why not one per core).
    private func streamThreads(of topology: LoadedTopology) -> Int {
        threads ?? topology.definition.streamThreads ?? 1
    }

    /// The token HTTP requests must carry: from `--http-token-file`, else `TRIBUTARY_HTTP_TOKEN`; nil
    /// when neither is given.
    private func httpAccessToken() throws -> HTTPAccessToken? {
        if let httpTokenFile {
            guard let token = HTTPAccessToken(try String(contentsOfFile: httpTokenFile, encoding: .utf8)) else {
                throw ValidationError("--http-token-file \(httpTokenFile) is empty; an empty token would protect nothing")
            }
            return token
        }
        return ProcessInfo.processInfo.environment["TRIBUTARY_HTTP_TOKEN"].flatMap(HTTPAccessToken.init)
    }
}

/// `--offset-out-of-range fail|earliest|latest`.
enum OffsetOutOfRangeArgument: String, ExpressibleByArgument, CaseIterable {
    case fail
    case earliest
    case latest

    var policy: KafkaConsumerConfiguration.OffsetOutOfRangePolicy {
        switch self {
        case .fail: .fail
        case .earliest: .resetToEarliest
        case .latest: .resetToLatest
        }
    }
}

/// `--processing-guarantee at_least_once|exactly_once_v2`.
enum ProcessingGuaranteeArgument: String, ExpressibleByArgument, CaseIterable {
    case atLeastOnce = "at_least_once"
    case exactlyOnceV2 = "exactly_once_v2"

    var guarantee: ProcessingGuarantee {
        switch self {
        case .atLeastOnce: .atLeastOnce
        case .exactlyOnceV2: .exactlyOnceV2
        }
    }
}
