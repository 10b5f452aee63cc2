import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StreamCore
import Testing
import TributaryTestSupport

/// `runner run` on `topologies/examples/abandoned-carts.yml`: timers started by one runner process
/// fire in the next one, after a restart; an order cancels its shopper's timers.
@Suite("abandoned-carts.yml end to end")
struct AbandonedCartsTopologyTests {
    static let topology = repositoryRoot + "/topologies/examples/abandoned-carts.yml"

    @Test func timersSurviveARestartAndOrdersCancelThem() async throws {
        let broker = try TestDevBroker(topologies: [Self.topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        func send(_ topic: String, _ key: String, _ value: String) async throws {
            try await producer.send(topic, key: key, value: value)
        }
        func added(_ user: String, _ product: String, at time: String) async throws {
            try await send("customer-interactions", user, #"{"event":"Product Added","userId":"\#(user)","timestamp":"\#(time)","properties":{"product_id":"\#(product)"}}"#)
        }
        let state = TemporaryDirectory("tributary-state")

        try await added("C1", "P1", at: "2026-11-27T10:00:00.000Z")
        try await added("C2", "P3", at: "2026-11-27T10:05:00.000Z")
        let port = TestPorts.next()
        let first = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path, "--http-port", String(port)])
        try await waitForTimerStep(toHaveReceived: 2, port: port)
        #expect(first.stop() == 0)

        // The next process: C2 orders in time; later events move each shopper's task past the due times.
        // (The order reaches the timers through a repartition topic, after the shopper's own events; it
        // is sent before the later events, so that C2's cart is never reported — a retraction would
        // correct it, which abandoned-carts.test.yml shows.)
        let secondPort = TestPorts.next()
        let second = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path, "--http-port", String(secondPort)])
        try await send("order-events", "O-1", #"{"event":"Order Completed","userId":"C2","timestamp":"2026-11-27T11:00:00.000Z","properties":{"order_id":"O-1"}}"#)
        try await waitForTimerStep(toHaveReceived: 1, port: secondPort)
        for user in ["C1", "C2"] {
            try await send("customer-interactions", user, #"{"event":"Cart Viewed","userId":"\#(user)","timestamp":"2026-11-27T12:30:00.000Z"}"#)
        }
        try producer.close()
        let read = try await TopicReader.read(["abandoned-carts"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(30)) { $0["abandoned-carts", default: []].count >= 1 }
        // Give a wrongly fired C2 timer time to show up too.
        try await Task.sleep(for: .seconds(2))
        let settled = try await TopicReader.read(["abandoned-carts"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(5)) { $0["abandoned-carts", default: []].count > read["abandoned-carts", default: []].count }
        #expect(second.stop() == 0)
        let values = settled["abandoned-carts", default: []].map { String(decoding: $0.value ?? [], as: UTF8.self) }
        #expect(values == [#"{"userId":"C1","product_id":"P1","added_at":"2026-11-27T10:00:00.000Z"}"#])
    }

    /// Polls the runner's metrics until the timer step has received `count` records.
    private func waitForTimerStep(toHaveReceived count: Int, port: Int) async throws {
        let wanted = #"tributary_node_records_total{application="abandoned-carts",node="abandoned.0.timer"} \#(count)"#
        try await waitUntil(timeout: .seconds(40)) { (try? await httpGet(port: port, "/metrics"))?.contains(wanted) == true }
    }
}
