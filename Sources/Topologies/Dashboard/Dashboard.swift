import StreamCore

/// A topology's `dashboard:`, ready to answer the page's requests: each panel's figures, computed from
/// the stores this instance holds.
public struct Dashboard: Sendable {
    public let title: String
    /// The application whose stores it shows.
    public let application: String
    public let refreshMilliseconds: Int64
    private let panels: [(definition: DashboardDefinition.Panel, value: CompiledTemplate?)]

    public init(_ definition: DashboardDefinition, application: String) {
        title = definition.title
        self.application = application
        refreshMilliseconds = definition.refreshMilliseconds
        panels = definition.panels.map { ($0, $0.value.map(CompiledTemplate.init)) }
    }

    /// The panels' current figures, as the page draws them:
    /// `{title, refresh_ms, panels: [{title, chart, points: [{window_start, value}], entries?, error?}]}`.
    /// A panel whose store has no data here yet carries `error` instead.
    public func figures(from stores: QueryableStores) -> JSONValue {
        .object([
            "title": .string(title),
            "application": .string(application),
            "refresh_ms": .int(refreshMilliseconds),
            "panels": .array(panels.map { figures(of: $0.definition, value: $0.value, from: stores) }),
        ])
    }

    private func figures(of panel: DashboardDefinition.Panel, value template: CompiledTemplate?, from stores: QueryableStores) -> JSONValue {
        var figures: JSONObject = ["title": .string(panel.title), "chart": .string(panel.chart.rawValue)]
        do {
            let shown = panel.chart == .bars || panel.chart == .line ? panel.windows : 1
            let points = try Self.latest(shown, of: panel, from: stores).map { window, stored in
                var record = StreamRecord(key: .string(panel.key), value: stored, timestamp: window?.start ?? 0, origin: RecordOrigin(topic: panel.store.value, partition: 0, offset: 0))
                record.window = window
                let value = try template?.build(for: record) ?? stored
                return JSONValue.object(["window_start": window.map { .string(EventTimestamp.formatISO8601($0.start)) } ?? .null, "value": value])
            }
            figures["points"] = .array(points)
            if panel.chart == .topList, let newest = points.last?["value"] {
                figures["entries"] = .array(Self.ranked(newest, top: panel.top))
            }
        } catch {
            figures["error"] = .string("\(error)")
        }
        return .object(figures)
    }

    /// The newest `count` values of the panel's key: windows by start, or the key's one value.
    private static func latest(_ count: Int, of panel: DashboardDefinition.Panel, from stores: QueryableStores) throws -> [(TimeWindow?, JSONValue)] {
        let key = Array(panel.key.utf8)
        if case .keyValue = try stores.kind(of: panel.store.value) {
            return try stores.value(of: key, in: panel.store.value).map { [(nil, try StoredValue.decode($0).value)] } ?? []
        }
        return try stores.windows(of: key, in: panel.store.value, startingFrom: 0, to: .max).suffix(count).map { ($0.window, try StoredValue.decode($0.value).value) }
    }

    /// An object's number members, largest first, ties by name: `[{name, value}]`.
    private static func ranked(_ value: JSONValue, top: Int) -> [JSONValue] {
        guard case .object(let members) = value else { return [] }
        return members.rankedByNumber().prefix(top).map { .object(["name": .string($0.name), "value": $0.value]) }
    }
}
