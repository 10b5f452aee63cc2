import Foundation
import HTTPServing
import Logging
import StreamCore
import Synchronization
import Testing
import TributaryTestSupport

/// An `http` step run by `runner run` against a dev broker and an endpoint served in the test: an
/// endpoint that fails at first is retried until it answers, a record it refuses goes to the
/// dead-letter topic with the status, and each request carries its headers and body.
@Suite("HTTP sink end to end")
struct HTTPSinkTests {
    /// What the endpoint received, by order id.
    final class Endpoint: Sendable {
        struct Received: Sendable {
            var authorization: String?
            var orderHeader: String?
            var body: JSONValue
        }

        let received = Mutex<[String: Received]>([:])
        let calls = Mutex(0)
        let failingFirstCalls: Int
        let refused: Set<String>

        init(failingFirstCalls: Int, refused: Set<String>) {
            self.failingFirstCalls = failingFirstCalls
            self.refused = refused
        }

        func handle(_ request: HTTPRequest) -> HTTPResponse {
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            if call <= failingFirstCalls { return HTTPResponse(status: 503, text: "down for maintenance") }
            guard request.method == .post, request.path == ["notify"], let body = try? JSONValue(parsing: request.body),
                  let order = body["order_id"]?.stringValue else {
                return HTTPResponse(status: 400, text: "unexpected request")
            }
            if refused.contains(order) { return HTTPResponse(status: 422, text: "no customer e-mail for \(order)") }
            received.withLock { $0[order] = Received(authorization: request.header("Authorization"), orderHeader: request.header("X-Order-Id"), body: body) }
            return HTTPResponse(status: 202, text: "queued")
        }
    }

    @Test func anEndpointThatFailsAtFirstGetsEveryRecordAndRefusedOnesAreDeadLettered() async throws {
        let directory = TemporaryDirectory("tributary-state")
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let topology = directory.path + "/notify.yml"
        try """
            application-id: notify
            sources:
              orders: { topic: orders }
            pipelines:
              confirmations:
                from: orders
                steps:
                  - http:
                      name: confirmations
                      url: ${NOTIFY_URL}/notify
                      headers:
                        Authorization: Bearer ${NOTIFY_TOKEN}
                        X-Order-Id: value.order_id
                      body: { order_id: value.order_id, text: 'concat("Thank you for order ", value.order_id)' }
                      retry: { initial: 100ms, max: 1s }
            """.write(toFile: topology, atomically: true, encoding: .utf8)

        let endpoint = Endpoint(failingFirstCalls: 20, refused: ["O-13", "O-57"])
        let server = try await HTTPServer.bind(configuration: .init(), logger: Logger(label: "test-endpoint")) { endpoint.handle($0) }
        let serving = Task { try await server.run() }
        defer { serving.cancel() }

        let broker = try TestDevBroker(topologies: [topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        let orders = (1...100).map { "O-\($0)" }
        try producer.sendAll("orders", orders.map { ($0, #"{"order_id":"\#($0)"}"#) })
        try producer.close()
        let runner = try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, environment: [
            "NOTIFY_URL": "http://127.0.0.1:\(server.port)", "NOTIFY_TOKEN": "t0ken",
        ])
        let accepted = Set(orders).subtracting(endpoint.refused)
        try await waitUntil(timeout: .seconds(60)) { accepted.isSubset(of: endpoint.received.withLock({ Set($0.keys) })) }
        let dlq = try await TopicReader.read(["notify-dlq"], bootstrapServers: broker.bootstrapServers) { $0["notify-dlq", default: []].count >= 2 }["notify-dlq", default: []]
        #expect(runner.stop() == 0)

        let received = endpoint.received.withLock { $0 }
        #expect(Set(received.keys) == accepted)
        #expect(endpoint.calls.withLock { $0 } > 20, "the failing calls were retried")
        let sample = try #require(received["O-7"])
        #expect(sample.authorization == "Bearer t0ken" && sample.orderHeader == "O-7")
        #expect(sample.body == .object(["order_id": "O-7", "text": "Thank you for order O-7"]))
        #expect(Set(dlq.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }) == endpoint.refused)
        #expect(dlq.allSatisfy { $0.headers.contains(KafkaHeader("tributary.http.status", "422")) })
    }
}
