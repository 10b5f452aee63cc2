import ArgumentParser
import StreamCore

/// `runner generate`: a fixed number of realistic shop tracking events, for tests, benchmarks and demos.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Produce generated shop tracking events (Segment format, ~2% malformed) to a topic."
    )

    @Option(help: "The Kafka cluster, host:port[,host:port...].")
    var bootstrapServers: String

    @Option(help: "Topic to produce to.")
    var topic: String = ShopEventGenerator.topic

    @Option(help: "How many events.")
    var events: Int

    @Option(help: "Seed: the same seed produces the same events.")
    var seed: UInt64 = 1

    @Option(help: "Share of malformed records, 0 to 1.")
    var malformedRatio: Double = 0.02

    @Option(help: "Generate this many events first without producing them: runs with --skip 0, N, 2N… and --events N produce one sequence in chunks (event times keep increasing per key).")
    var skip: Int = 0

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = logging.makeLogger(label: "tributary.generate")
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers), logger: logger)
        var generator = ShopEventGenerator(seed: seed, malformedRatio: malformedRatio)
        for _ in 0..<skip { _ = generator.next() }
        for _ in 0..<events {
            let event = generator.next()
            try producer.enqueueWaitingForRoom(ProducerRecord(topic: topic, key: event.key, value: event.value)) { result in
                if case .failure(let error) = result { logger.error("event not delivered: \(error)") }
            }
        }
        try producer.close()
        logger.info("generated events", metadata: ["events": "\(events)", "topic": "\(topic)", "seed": "\(seed)"])
    }
}
