import ArgumentParser
import Logging
import ServiceLifecycle
import StreamCore

/// `runner dev-broker`: a Kafka-protocol cluster on loopback for development, tests and demos.
struct DevBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Run librdkafka's mock Kafka cluster on loopback until SIGINT/SIGTERM.",
        discussion: """
            Prints the bootstrap servers as the first line of standard output (and, with --control-port, \
            'control: 127.0.0.1:PORT' as the second). Topics not created here are auto-created with 4 \
            partitions on first use; each partition keeps only its newest ~5 MB.
            """
    )

    @Option(help: "Number of brokers in the cluster.")
    var brokers: Int = 1

    @Option(name: .customLong("topic"), help: "Create a topic, as NAME:PARTITIONS (repeatable).")
    var topics: [TopicArgument] = []

    @Option(name: .customLong("topology"), help: "Create every topic a topology file uses, internal ones included (repeatable).")
    var topologies: [String] = []

    @Option(help: "Serve the fault controls (brokers down/up, round-trip time, request errors, leaders, coordinators) over HTTP on 127.0.0.1 at this port (0 picks a free one); GET / lists them.")
    var controlPort: Int?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger(label: "tributary.dev-broker")
        // Topics given with --topic keep their count; the topologies' internal topics follow their sources'.
        let given = Dictionary(topics.map { ($0.specification.name, $0.specification.partitions) }, uniquingKeysWith: { _, last in last })
        let loaded = try TopologyLoader.followingCluster(try TopologyLoader.loadAll(topologies, logger: logger), partitions: given, logger: logger)
        var partitions = TopologyLoader.topicPartitions(of: loaded)
        partitions.merge(given) { _, given in given }
        let broker = try DevBroker(configuration: .init(brokers: brokers, topics: KafkaAdminClient.TopicSpecification.list(partitions)), logger: logger)
        // The first line of stdout is the contract scripts and tests read; the control address, when
        // asked for, is the second.
        var services: [any Service] = [broker]
        var announced = [broker.bootstrapServers]
        if let controlPort {
            let control = try await DevBrokerControlServer.bind(host: "127.0.0.1", port: controlPort, broker: broker, logger: logger)
            announced.append("control: \(control.host):\(control.port)")
            services.append(control)
        }
        services.append(ReadinessAnnouncement(lines: announced))
        logger.info("dev broker serving; stop with SIGINT or SIGTERM", metadata: ["bootstrap": "\(broker.bootstrapServers)", "brokers": "\(brokers)"])
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
