import Logging
import ServiceLifecycle
import StreamCore

/// The warehouse for `--demo`: a snapshot of every product's available quantity on `inventory` at
/// start, then every 30 seconds a restock (a new, higher snapshot) of a few products, so the orders
/// topology both sells out and recovers.
final class DemoInventory: Service, Sendable {
    static let topic = "inventory"

    private let bootstrapServers: String
    private let products: [String]
    private let logger: Logger

    init(bootstrapServers: String, products: [String], logger: Logger) {
        self.bootstrapServers = bootstrapServers
        self.products = products
        self.logger = logger
    }

    func run() async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers), logger: logger)
        var random = SeededRandom(seed: UInt64.random(in: 0..<UInt64.max))
        var available: [String: Int] = [:]
        func publish(_ product: String) throws {
            let snapshot: JSONValue = .object(["product_id": .string(product), "available": .int(Int64(available[product]!))])
            try producer.enqueueWaitingForRoom(ProducerRecord(topic: Self.topic, key: Array(product.utf8), value: snapshot.jsonBytes)) { _ in }
        }
        for product in products {
            available[product] = 5 + Int(random.next() % 40)
            try publish(product)
        }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            // The pause between restocks ends with the shutdown: slept out, it held the whole runner's
            // stop for up to 30 s, as long as the default shutdown timeout.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(30)) }
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { break }
            for _ in 0..<10 {
                let product = products[Int(random.next() % UInt64(products.count))]
                available[product]! += 10 + Int(random.next() % 20)
                try publish(product)
            }
        }
        try producer.close()
    }
}
