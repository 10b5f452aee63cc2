import Logging
import ServiceLifecycle
import StreamCore

/// Produces generated shop events into `tracking-events` at a steady rate until graceful shutdown (`--demo`).
final class GeneratorService: Service, Sendable {
    private let producer: KafkaProducer
    private let eventsPerSecond: Int
    private let logger: Logger

    init(bootstrapServers: String, eventsPerSecond: Int, logger: Logger) throws {
        producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers), logger: logger)
        self.eventsPerSecond = eventsPerSecond
        self.logger = logger
    }

    func run() async throws {
        var generator = ShopEventGenerator(seed: UInt64.random(in: 0..<UInt64.max))
        let batch = max(1, eventsPerSecond / 10)
        var produced = 0
        logger.info("demo generator producing shop events", metadata: ["topic": "\(ShopEventGenerator.topic)", "rate": "\(eventsPerSecond)/s"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            for _ in 0..<batch {
                let event = generator.next()
                try producer.enqueueWaitingForRoom(ProducerRecord(topic: ShopEventGenerator.topic, key: event.key, value: event.value)) { _ in }
            }
            produced += batch
            try? await Task.sleep(for: .milliseconds(100))
        }
        try producer.close()
        logger.info("demo generator stopped", metadata: ["produced": "\(produced)"])
    }
}
