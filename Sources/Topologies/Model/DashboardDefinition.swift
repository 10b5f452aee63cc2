/// `dashboard:` — a live page the runner serves at `/dashboard`, drawn from the topology's queryable
/// stores: each panel shows one key of one store — or the newest entries of a key-value store — as a
/// chart over its latest windows, a ranked list or a single number.
public struct DashboardDefinition: Sendable {
    /// How a panel draws its values.
    public enum Chart: String, Sendable, CaseIterable {
        /// One bar per window (the latest `windows`), the newest value written large.
        case bars
        /// A line over the latest `windows`, the newest value written large.
        case line
        /// The newest window's value — an object of names to numbers — ranked, the largest `top` first.
        case topList = "top-list"
        /// The newest value alone.
        case number
    }

    public struct Panel: Sendable {
        public var title: String
        /// The store it reads (windowed or key-value).
        public var store: Located<String>
        /// The key it shows; nil shows the newest entries (in key order) of a key-value store, such as
        /// one keyed by window start.
        public var key: String?
        public var chart: Chart
        /// `value:` — what to show, computed from each window's stored value (`value`, `key`, `window`);
        /// nil shows the stored value itself.
        public var value: ValueTemplate?
        /// How many of the latest windows a chart shows (default 30).
        public var windows: Int
        /// How many entries a ranked list shows (default 10).
        public var top: Int
        public var location: SourceLocation

        public init(title: String, store: Located<String>, key: String?, chart: Chart, value: ValueTemplate?, windows: Int, top: Int, location: SourceLocation) {
            self.title = title
            self.store = store
            self.key = key
            self.chart = chart
            self.value = value
            self.windows = windows
            self.top = top
            self.location = location
        }
    }

    public var title: String
    /// How often the page asks for new figures, in milliseconds (`refresh:`, default 2s).
    public var refreshMilliseconds: Int64
    public var panels: [Panel]
    public var location: SourceLocation

    public init(title: String, refreshMilliseconds: Int64, panels: [Panel], location: SourceLocation) {
        self.title = title
        self.refreshMilliseconds = refreshMilliseconds
        self.panels = panels
        self.location = location
    }
}
