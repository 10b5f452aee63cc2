import Foundation
import Logging
import StreamCore

/// Plays the payment gateway: reads `payment-requests` as they arrive and answers each order once on
/// `payment-events` as `answer` says (or not at all), as the gateway's webhooks would.
final class TestPaymentGateway: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var requested: Set<String> = []
    private var thread: Thread?

    /// Orders a payment request has arrived for.
    var requestedOrders: Set<String> { lock.withLock { requested } }

    init(bootstrapServers: String, answer: @escaping @Sendable (_ orderID: String) -> String?) throws {
        var logger = Logger(label: "payment-gateway")
        logger.logLevel = .warning
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: "gateway-\(UUID().uuidString)")
        configuration.readCommitted = false
        let consumerConfiguration = configuration
        let gatewayLogger = logger
        let thread = Thread { [self] in
            // The consumer lives and dies on this thread (it is not Sendable).
            guard let consumer = try? KafkaConsumer(configuration: consumerConfiguration, logger: gatewayLogger),
                  (try? consumer.subscribe(["payment-requests"])) != nil,
                  let producer = try? TestInputProducer(bootstrapServers: bootstrapServers) else { return }
            defer { try? consumer.close(); try? producer.close() }
            while !lock.withLock({ stopped }) {
                guard let records = try? consumer.poll(timeout: .milliseconds(100)) else { continue }
                var answers: [(key: String, value: String)] = []
                for record in records {
                    let orderID = String(decoding: record.key ?? [], as: UTF8.self)
                    // Requests may repeat (outputs are at least once): a gateway answers an order once.
                    guard lock.withLock({ requested.insert(orderID).inserted }) else { continue }
                    if let event = answer(orderID) { answers.append((orderID, event)) }
                }
                if !answers.isEmpty { try? producer.sendAll("payment-events", answers) }
            }
        }
        self.thread = thread
        thread.start()
    }

    func stop() {
        lock.withLock { stopped = true }
    }

    deinit { stop() }
}
