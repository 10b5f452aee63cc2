/// The `dashboard:` section.
extension TopologyParser {
    /// `dashboard: { title, refresh, panels: [{ title, store, key, chart, value, windows, top }] }`
    static func dashboard(_ node: YAMLNode, at location: SourceLocation, _ diagnostics: inout DiagnosticCollector) -> DashboardDefinition? {
        guard let fields = YAMLFields(node, of: "'dashboard'", at: location, allowed: ["panels", "refresh", "title"], &diagnostics) else { return nil }
        let title = fields["title"].flatMap { $0.string("a title", for: "'title'", &diagnostics) }
        var refresh: Int64?
        if let node = fields["refresh"] { refresh = node.duration(for: "'refresh'", &diagnostics) }
        var panels: [DashboardDefinition.Panel] = []
        if let node = fields.required("panels", &diagnostics), let entries = node.sequence(for: "'panels'", &diagnostics) {
            if entries.isEmpty { diagnostics.report("'panels' is empty; a dashboard needs at least one panel", at: node.location) }
            for entry in entries {
                if let panel = panel(entry, &diagnostics) { panels.append(panel) }
            }
        }
        return DashboardDefinition(title: title?.value ?? "Dashboard", refreshMilliseconds: refresh ?? 2000, panels: panels, location: location)
    }

    private static func panel(_ node: YAMLNode, _ diagnostics: inout DiagnosticCollector) -> DashboardDefinition.Panel? {
        let allowed = ["chart", "key", "store", "title", "top", "value", "windows"]
        guard let fields = YAMLFields(node, of: "a dashboard panel", at: node.location, allowed: allowed, &diagnostics) else { return nil }
        let title = fields.required("title", &diagnostics)?.string("a title", for: "'title'", &diagnostics)
        let store = fields.required("store", &diagnostics)?.string("a store name", for: "'store'", &diagnostics)
        let key = fields["key"].flatMap { $0.string("a key", for: "'key'", &diagnostics) }
        var chart: DashboardDefinition.Chart?
        if let node = fields.required("chart", &diagnostics), let text = node.string("a chart", for: "'chart'", &diagnostics) {
            chart = DashboardDefinition.Chart(rawValue: text.value)
            if chart == nil {
                let known = DashboardDefinition.Chart.allCases.map(\.rawValue).joined(separator: ", ")
                diagnostics.report("unknown chart '\(text.value)'; expected one of: \(known)", at: text.location)
            }
        }
        let value = fields["value"].flatMap { $0.template(for: "value", roots: recordRoots, &diagnostics) }
        let windows = fields["windows"].flatMap { $0.positiveInteger(for: "'windows'", &diagnostics) }
        let top = fields["top"].flatMap { $0.positiveInteger(for: "'top'", &diagnostics) }
        guard let title, let store, let chart, fields["key"] == nil || key != nil, fields["value"] == nil || value != nil else { return nil }
        return DashboardDefinition.Panel(
            title: title.value, store: store, key: key?.value, chart: chart, value: value, windows: windows ?? 30, top: top ?? 10, location: node.location)
    }
}
