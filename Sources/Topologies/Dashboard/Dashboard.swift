import StreamCore

/// A topology's `dashboard:`, ready to answer the page's requests: each panel's figures, computed from
/// the stores this instance holds, and — for a panel over a whole key-value store — from the store's
/// entries, which the caller gathers from every instance holding part of it.
public struct Dashboard: Sendable {
    /// A key-value store's entries in key order, gathered from every instance; or why they could not be.
    public typealias StoreEntries = Result<[(key: String, value: JSONValue)], GatheringFailure>

    /// Why a store's entries could not be gathered, as the instance that failed said.
    public struct GatheringFailure: Error, CustomStringConvertible {
        public var description: String

        public init(_ description: String) {
            self.description = description
        }
    }

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

    /// The key-value stores whose entries a panel shows (a panel without `key:`): the caller gathers
    /// them for ``figures(from:entries:)``.
    public var storesShownWhole: Set<String> {
        Set(panels.filter { $0.definition.key == nil }.map(\.definition.store.value))
    }

    /// The panels' current figures, as the page draws them:
    /// `{title, refresh_ms, panels: [{title, chart, points: [{window_start | key, value}], entries?, error?}]}`.
    /// A panel whose store has no data here yet carries `error` instead. `entries` holds the gathered
    /// entries of each of ``storesShownWhole``.
    public func figures(from stores: QueryableStores, entries: [String: StoreEntries]) -> JSONValue {
        .object([
            "title": .string(title),
            "application": .string(application),
            "refresh_ms": .int(refreshMilliseconds),
            "panels": .array(panels.map { figures(of: $0.definition, value: $0.value, from: stores, entries: entries) }),
        ])
    }

    private func figures(of panel: DashboardDefinition.Panel, value template: CompiledTemplate?, from stores: QueryableStores, entries: [String: StoreEntries]) -> JSONValue {
        var figures: JSONObject = ["title": .string(panel.title), "chart": .string(panel.chart.rawValue)]
        do {
            let shown = panel.chart == .bars || panel.chart == .line ? panel.windows : 1
            let points = try Self.latest(shown, of: panel, from: stores, entries: entries).map { point in
                var record = StreamRecord(key: .string(point.key), value: point.value, timestamp: point.window?.start ?? 0, origin: RecordOrigin(topic: panel.store.value, partition: 0, offset: 0))
                record.window = point.window
                let value = try template?.build(for: record) ?? point.value
                if let window = point.window {
                    return JSONValue.object(["window_start": .string(EventTimestamp.formatISO8601(window.start)), "value": value])
                }
                return JSONValue.object(["key": .string(point.key), "value": value])
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

    /// The newest `count` values the panel shows: its key's windows by start, its key's one value, or —
    /// without a key — the store's last `count` entries in key order.
    private static func latest(_ count: Int, of panel: DashboardDefinition.Panel, from stores: QueryableStores, entries: [String: StoreEntries])
        throws -> [(key: String, window: TimeWindow?, value: JSONValue)]
    {
        guard let shownKey = panel.key else {
            guard let gathered = entries[panel.store.value] else { throw GatheringFailure("the entries of store '\(panel.store.value)' were not gathered") }
            return try gathered.get().suffix(count).map { ($0.key, nil, $0.value) }
        }
        let key = Array(shownKey.utf8)
        if case .keyValue = try stores.kind(of: panel.store.value) {
            return try stores.value(of: key, in: panel.store.value).map { [(shownKey, nil, try StoredValue.decode($0).value)] } ?? []
        }
        return try stores.windows(of: key, in: panel.store.value, startingFrom: 0, to: .max).suffix(count).map { (shownKey, $0.window, try StoredValue.decode($0.value).value) }
    }

    /// An object's number members, largest first, ties by name: `[{name, value}]`.
    private static func ranked(_ value: JSONValue, top: Int) -> [JSONValue] {
        guard case .object(let members) = value else { return [] }
        return members.rankedByNumber().prefix(top).map { .object(["name": .string($0.name), "value": $0.value]) }
    }
}
