import Foundation
import Logging
import ServiceLifecycle
import StreamCore

/// Plays the payment gateway for `--demo`: answers the orders topology's authorisation requests
/// (`payment-requests`) on `payment-events`, as a gateway's webhooks would — most authorised, some
/// declined, a few never answered (so payment timeouts happen too), each a little later in event time.
final class DemoPaymentGateway: Service, Sendable {
    static let requests = "payment-requests"
    static let answers = "payment-events"

    private let bootstrapServers: String
    private let logger: Logger

    init(bootstrapServers: String, logger: Logger) {
        self.bootstrapServers = bootstrapServers
        self.logger = logger
    }

    func run() async throws {
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: "demo-payment-gateway"), logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers), logger: logger)
        try consumer.subscribe([Self.requests])
        var random = SeededRandom(seed: UInt64.random(in: 0..<UInt64.max))
        var answered = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let requests = try consumer.poll(maxRecords: 500, timeout: .zero)
            for request in requests {
                guard let value = request.value, let body = try? JSONValue(parsing: value), let order = body["order_id"]?.stringValue else { continue }
                let roll = random.next() % 100
                guard roll < 95 else { continue }  // never answered: the order times out
                let answeredAt = request.timestamp + 2_000 + Int64(random.next() % 60_000)
                let event: JSONValue = .object([
                    "order_id": .string(order), "status": .string(roll < 85 ? "authorized" : "declined"), "amount": body["amount"] ?? .null,
                    "provider_ref": .string("demo-\(random.next() % 1_000_000_000)"), "timestamp": .string(EventTimestamp.formatISO8601(answeredAt)),
                ])
                try producer.enqueueWaitingForRoom(ProducerRecord(topic: Self.answers, key: Array(order.utf8), value: event.jsonBytes, timestamp: answeredAt)) { _ in }
                answered += 1
            }
            if requests.isEmpty { try? await Task.sleep(for: .milliseconds(100)) }
        }
        try consumer.close()
        try producer.close()
        logger.info("demo payment gateway stopped", metadata: ["answered": "\(answered)"])
    }
}
