import ArgumentParser
import StreamCore

/// `runner generate`: a fixed number of realistic shop tracking events, for tests, benchmarks and demos.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Produce generated shop tracking events (Segment format, ~2% malformed) to a topic.",
        discussion: "With --print the events go to standard output as JSON lines instead; docs/EVENTS.md describes every one of them."
    )

    @Option(help: "The Kafka cluster, host:port[,host:port...]; required unless --print.")
    var bootstrapServers: String?

    @Option(help: "Topic to produce to.")
    var topic: String = ShopEventGenerator.topic

    @Option(help: "How many events.")
    var events: Int

    @Option(help: "Seed: the same seed produces the same events.")
    var seed: UInt64 = 1

    @Option(help: "Share of malformed records, 0 to 1.")
    var malformedRatio: Double = 0.02

    @Option(help: "How many known shoppers (user ids C1…CN) the events spread over; anonymous visitors come on top.")
    var shoppers: Int = 500

    @Option(help: "How many products (P1…PN) the catalogue has.")
    var products: Int = ShopEventGenerator.productIDs.count

    @Option(help: "Events per second of event time, on average (the events' timestamps; they are produced as fast as the broker takes them).")
    var eventsPerSecond: Double = 1

    @Option(help: "Generate this many events first without producing them: runs with --skip 0, N, 2N… and --events N produce one sequence in chunks (event times keep increasing per key).")
    var skip: Int = 0

    @Flag(name: .customLong("print"), help: "Print the events to standard output, one JSON object {\"topic\", \"key\", \"value\"} a line (value: the event's JSON, or its text when it is not JSON; key: null when there is none), instead of producing them to Kafka.")
    var printEvents = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard shoppers > 0, products > 0 else { throw ValidationError("--shoppers and --products must be at least 1") }
        guard eventsPerSecond > 0, eventsPerSecond.isFinite else { throw ValidationError("--events-per-second must be a positive number") }
        if !printEvents, bootstrapServers == nil {
            throw ValidationError("Missing expected argument '--bootstrap-servers <bootstrap-servers>' (not needed with --print)")
        }
    }

    func run() throws {
        var generator = ShopEventGenerator(seed: seed, malformedRatio: malformedRatio, customers: shoppers, products: products, eventsPerSecond: eventsPerSecond)
        for _ in 0..<skip { _ = generator.next() }
        if printEvents {
            for _ in 0..<events { print(Self.line(for: generator.next(), topic: topic)) }
            return
        }
        let logger = logging.makeLogger(label: "tributary.generate")
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers ?? ""), logger: logger)
        for _ in 0..<events {
            let event = generator.next()
            try producer.enqueueWaitingForRoom(ProducerRecord(topic: topic, key: event.key, value: event.value)) { result in
                if case .failure(let error) = result { logger.error("event not delivered: \(error)") }
            }
        }
        try producer.close()
        logger.info("generated events", metadata: ["events": "\(events)", "topic": "\(topic)", "seed": "\(seed)"])
    }

    /// One `--print` line: `{"topic": …, "key": …, "value": …}`.
    static func line(for event: ShopEventGenerator.Event, topic: String) -> String {
        let key: JSONValue = event.key.map { JSONValue.string(String(decoding: $0, as: UTF8.self)) } ?? .null
        let value: JSONValue = (try? JSONValue(parsing: event.value)) ?? .string(String(decoding: event.value, as: UTF8.self))
        let line: JSONValue = .object(["topic": .string(topic), "key": key, "value": value])
        return line.jsonString
    }
}
