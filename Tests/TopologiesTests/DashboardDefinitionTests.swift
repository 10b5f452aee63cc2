import Logging
import StreamCore
import Testing
import Topologies

/// The `dashboard:` section: what it reads, its defaults, and its mistakes.
@Suite("Dashboard definitions")
struct DashboardDefinitionTests {
    func topology(_ dashboard: String) -> String {
        """
        application-id: app
        sources:
          in: { topic: in }
        pipelines:
          counts:
            from: in
            steps:
              - group-by-key: {}
              - window: { tumbling: 1m }
              - count: { store: per-minute }
        dashboard:
        \(dashboard)
        """
    }

    @Test func panelsGetTheirDefaultsAndValueExpressions() throws {
        let definition = try TopologyParser.parse(yaml: topology("""
              title: Traffic
              panels:
                - { title: Per minute, store: per-minute, key: all, chart: bars }
                - { title: Doubled, store: per-minute, key: all, chart: line, value: value * 2, windows: 10 }
            """), file: "t.yml")
        let dashboard = try #require(definition.dashboard)
        #expect(dashboard.title == "Traffic")
        #expect(dashboard.refreshMilliseconds == 2000)
        #expect(dashboard.panels.map(\.chart) == [.bars, .line])
        #expect(dashboard.panels.map(\.windows) == [30, 10])
        #expect(dashboard.panels[0].value == nil, "without 'value' a panel shows the stored value")
        #expect(dashboard.panels[1].top == 10)
        _ = try TopologyCompiler.compile(definition, logger: Logger(label: "test"))
    }

    @Test func aPanelWithoutKeyShowsTheNewestEntriesOfAKeyValueStore() throws {
        let definition = try TopologyParser.parse(yaml: """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              per-minute:
                from: in
                steps:
                  - group-by: { key: value.minute, repartition: minutes }
                  - aggregate: { store: per-minute, ttl: 2h, initial: "{orders: 0}", adder: "{orders: aggregate.orders + 1}" }
            dashboard:
              panels:
                - { title: Orders, store: per-minute, chart: bars, value: value.orders, windows: 2 }
            """, file: "t.yml")
        _ = try TopologyCompiler.compile(definition, logger: Logger(label: "test"))
        let dashboard = Dashboard(try #require(definition.dashboard), application: "app")
        #expect(dashboard.storesShownWhole == ["per-minute"])
        let gathered: [(key: String, value: JSONValue)] = [
            ("2026-11-27T10:00:00.000Z", ["orders": 3]), ("2026-11-27T10:01:00.000Z", ["orders": 5]), ("2026-11-27T10:02:00.000Z", ["orders": 1]),
        ]
        let figures = dashboard.figures(from: QueryableStores(), entries: ["per-minute": .success(gathered)])
        #expect(figures["panels"]?[0]?["points"] == [
            ["key": "2026-11-27T10:01:00.000Z", "value": 5], ["key": "2026-11-27T10:02:00.000Z", "value": 1],
        ])
        let failed = dashboard.figures(from: QueryableStores(), entries: ["per-minute": .failure(Dashboard.GatheringFailure("instance b did not answer"))])
        #expect(failed["panels"]?[0]?["error"] == "instance b did not answer")
    }

    @Test func mistakesAreReportedWhereTheyAreWritten() throws {
        #expect(parseErrors(topology("""
              panels:
                - { title: Pie, store: per-minute, key: all, chart: pie }
            """)) == [
                "t.yml:13:57: unknown chart 'pie'; expected one of: bars, line, top-list, number",
            ])
        // Without a key a panel lists a key-value store's newest entries; a windowed store needs the key.
        let keyless = try TopologyParser.parse(yaml: topology("""
              panels:
                - { title: No key, store: per-minute, chart: bars }
            """), file: "t.yml")
        #expect(keyless.dashboard?.panels.first?.key == nil)
        do {
            _ = try TopologyCompiler.compile(keyless, logger: Logger(label: "test"))
            Issue.record("a keyless panel over a windowed store compiled")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["t.yml:13:7: panel 'No key' shows windowed store 'per-minute' without a 'key'; name the key whose windows it shows"])
        }
        let unknownStore = try TopologyParser.parse(yaml: topology("""
              panels:
                - { title: Typo, store: per-minut, key: all, chart: bars }
            """), file: "t.yml")
        #expect(throws: TopologyDiagnostics.self) { try TopologyCompiler.compile(unknownStore, logger: Logger(label: "test")) }
        do {
            _ = try TopologyCompiler.compile(unknownStore, logger: Logger(label: "test"))
        } catch {
            #expect(error.diagnostics.map(\.description) == ["t.yml:13:29: panel 'Typo' shows store 'per-minut', which this topology does not keep; stores: per-minute"])
        }
    }
}
