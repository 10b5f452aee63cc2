import Logging
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

    @Test func mistakesAreReportedWhereTheyAreWritten() throws {
        #expect(parseErrors(topology("""
              panels:
                - { title: Pie, store: per-minute, key: all, chart: pie }
                - { title: No key, store: per-minute, chart: bars }
            """)) == [
                "t.yml:13:57: unknown chart 'pie'; expected one of: bars, line, top-list, number",
                "t.yml:14:7: missing required field 'key' in a dashboard panel",
            ])
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
