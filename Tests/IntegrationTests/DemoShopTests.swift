import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// README's first command, `runner run --topology topologies/ --demo`: the whole shop in one process —
/// embedded broker, dev-salesforce, generator, warehouse, payment gateway, every shop topology — prints
/// the dashboard's URL, and within a minute or so orders reach final statuses, support inquiries are
/// answered or escalated, and every dashboard panel shows live figures.
@Suite("The whole shop in one command")
struct DemoShopTests {
    @Test func theDemoRunsEveryShopTopologyAndServesTheDashboard() async throws {
        let state = TemporaryDirectory("tributary-state")
        let port = TestPorts.next()
        let shop = try ChildProcess(RunnerExecutable.path, [
            "run", "--topology", repositoryRoot + "/topologies/", "--demo", "--http-port", String(port), "--state-dir", state.path, "--log-level", "warning",
        ])
        let announced = shop.firstLineOfOutput()
        #expect(announced == "Dashboard: http://127.0.0.1:\(port)/dashboard")

        var panelsWithFigures = 0
        var statuses: [String: Int] = [:]
        var supportOutcomes = 0
        for _ in 0..<120 {
            try await Task.sleep(for: .seconds(1))
            let figures = try? JSONValue(parsing: try await httpGet(port: port, "/dashboard/figures"))
            let panels = figures?[0]?["panels"]?.arrayValue ?? []
            panelsWithFigures = panels.filter { !($0["points"]?.arrayValue ?? []).isEmpty }.count
            let orders = (try? JSONValue(parsing: try await httpGet(port: port, "/stores/order-status/range?limit=5000")))?.arrayValue ?? []
            statuses = orders.reduce(into: [:]) { counts, entry in counts[entry["value"]?["status"]?.stringValue ?? "?", default: 0] += 1 }
            let support = try? JSONValue(parsing: try await httpGet(port: port, "/stores/support-5m/range"))
            supportOutcomes = (support?.arrayValue ?? []).reduce(0) { $0 + Int(($1["value"]?["automated"]?.int64Value ?? 0) + ($1["value"]?["escalated"]?.int64Value ?? 0)) }
            if panelsWithFigures == 7, statuses["CONFIRMED", default: 0] > 0, statuses["REJECTED_OUT_OF_STOCK", default: 0] + statuses["PAYMENT_DECLINED", default: 0] > 0, supportOutcomes > 0 { break }
        }
        #expect(panelsWithFigures == 7, "every dashboard panel shows figures")
        #expect(statuses["CONFIRMED", default: 0] > 0, "orders are confirmed: \(statuses)")
        #expect(statuses["REJECTED_OUT_OF_STOCK", default: 0] + statuses["PAYMENT_DECLINED", default: 0] > 0, "and some fail: \(statuses)")
        #expect(supportOutcomes > 0, "support inquiries are answered or escalated")
        let status = shop.stop()
        #expect(status == 0, "the shop stops cleanly on SIGTERM; its log ends:\n\(shop.standardErrorText.suffix(4000))")
    }
}
