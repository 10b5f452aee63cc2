import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StreamCore
import Testing
import TributaryTestSupport

/// A global table under `runner run`: read in full before processing, followed afterwards, looked up
/// by a field from every task although its topic has another partition count than the stream's, and
/// queryable over HTTP like any store.
@Suite("Global tables end to end")
struct GlobalTableTests {
    @Test func everyTaskLooksUpTheWholeTableAndSeesItsUpdates() async throws {
        let temporary = TemporaryDirectory("global")
        let file = temporary.appending("global.yml")
        try """
            application-id: pricing
            sources:
              orders: { topic: orders, partitions: 4 }
              products: { topic: products, global-table: products, partitions: 3 }
            pipelines:
              priced:
                from: orders
                steps:
                  - join: { table: products, kind: left, key: value.product_id, value: 'with(value, "price", other.price)' }
                  - to: priced-orders
            """.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let broker = try TestDevBroker(topologies: [file])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        for product in 1...30 { try await producer.send("products", key: "P\(product)", value: #"{"price":\#(product)}"#) }
        let state = TemporaryDirectory("tributary-state")
        let port = TestPorts.next()
        let runner = try TestRunnerProcess(topology: file, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path, "--http-port", String(port)])
        for order in 1...30 { try await producer.send("orders", key: "O\(order)", value: #"{"product_id":"P\#(order)"}"#) }
        let first = try await TopicReader.read(["priced-orders"], bootstrapServers: broker.bootstrapServers) { $0["priced-orders", default: []].count >= 30 }
        let prices = Set(first["priced-orders", default: []].map { String(decoding: $0.value ?? [], as: UTF8.self) })
        #expect(prices == Set((1...30).map { #"{"product_id":"P\#($0)","price":\#($0)}"# }), "every order, whatever its task, found its product")

        let listing = try await httpGet(port: port, "/stores")
        #expect(listing.contains(#""global":true"#) && listing.contains(#""name":"products""#), "\(listing)")
        #expect(try await httpGet(port: port, "/stores/products/keys/P7").contains(#""price":7}"#))

        // An update after the start is followed, and queryable once applied.
        try await producer.send("products", key: "P1", value: #"{"price":100}"#)
        try await waitUntil(timeout: .seconds(10)) { try await httpGet(port: port, "/stores/products/keys/P1").contains(#""price":100}"#) }
        try await producer.send("orders", key: "O31", value: #"{"product_id":"P1"}"#)
        try producer.close()
        let second = try await TopicReader.read(["priced-orders"], bootstrapServers: broker.bootstrapServers) { $0["priced-orders", default: []].count >= 31 }
        #expect(runner.stop() == 0)
        #expect(second["priced-orders", default: []].contains { $0.key == Array("O31".utf8) && $0.value == Array(#"{"product_id":"P1","price":100}"#.utf8) })
    }
}

