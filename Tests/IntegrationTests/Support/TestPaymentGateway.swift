import Foundation
import HTTPServing
import Logging
import StreamCore
import Synchronization

/// Plays the payment gateway behind `PAYMENT_GATEWAY_URL`: takes the authorisation requests the
/// orders topology's `http` sink posts, and answers each order once with a webhook on `payment-events`
/// as `answer` says (or never), as a real gateway's webhooks would.
final class TestPaymentGateway: Sendable {
    private let server: HTTPServer
    private let serving: Task<Void, Error>
    /// Orders seen, shared with the request handler.
    private final class Requests: Sendable {
        let orders = Mutex<Set<String>>([])
    }

    private let requests = Requests()

    /// The URL for `PAYMENT_GATEWAY_URL`.
    var url: String { "http://127.0.0.1:\(server.port)/authorizations" }
    /// Orders whose authorisation was requested.
    var requestedOrders: Set<String> { requests.orders.withLock { $0 } }

    init(bootstrapServers: String, answer: @escaping @Sendable (_ orderID: String) -> String?) async throws {
        let producer = try TestInputProducer(bootstrapServers: bootstrapServers)
        let requests = requests
        server = try await HTTPServer.bind(configuration: .init(), logger: Logger(label: "payment-gateway")) { request in
            // The sink sends the order id as Idempotency-Key, as gateways ask, so a request delivered
            // twice charges once.
            let idempotencyKey = request.headers.first { $0.name.lowercased() == "idempotency-key" }?.value
            guard request.method == .post, let body = try? JSONValue(parsing: request.body), let order = body["order_id"]?.stringValue,
                  body["amount"]?.doubleValue != nil, idempotencyKey == order else {
                return HTTPResponse(status: 400, text: "expected an authorisation request with its order id as Idempotency-Key")
            }
            if requests.orders.withLock({ $0.insert(order).inserted }), let event = answer(order) {
                do {
                    try await producer.send("payment-events", key: order, value: event)
                } catch {
                    return HTTPResponse(status: 503, text: "webhook not sent: \(error)")
                }
            }
            return HTTPResponse(status: 202, text: "accepted")
        }
        let server = server
        serving = Task { try await server.run() }
    }

    func stop() {
        serving.cancel()
    }
}
