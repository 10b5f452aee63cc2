import Synchronization

/// The state stores of the tasks running in this process, for interactive queries from any thread.
///
/// Queries read what the stores have flushed (state as of the last commit), straight from RocksDB,
/// which is safe beside the stream thread's writes; a store whose task is moving to another
/// instance simply stops answering.
public final class QueryableStores: Sendable {
    /// How a store lays out its keys, which decides how it is queried.
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        case keyValue
        /// Fixed-size time windows of `size` milliseconds.
        case window(size: Int64)
        case session

        public var description: String {
            switch self {
            case .keyValue: "key-value"
            case .window: "window"
            case .session: "session"
            }
        }
    }

    /// A store of the topology, with the tasks that hold a part of it here.
    public struct Store: Sendable {
        public var name: String
        public var application: String
        public var kind: Kind
        public var tasks: [TaskID]
        /// The sub-topology whose tasks hold the store (nil for a global table's): a key's part is in
        /// the task of the partition its key lands in on the sub-topology's source topics.
        public var subtopology: Subtopology?

        /// A global table's store: every instance holds all of it, outside any task.
        public var isGlobal: Bool { subtopology == nil }
    }

    /// One window's value, for window and session stores.
    public struct WindowedValue: Sendable {
        public var key: [UInt8]
        public var window: TimeWindow
        public var value: [UInt8]
    }

    /// A store the topology does not have.
    public struct UnknownStore: Error, Sendable {
        public var name: String
    }

    private struct Catalogue {
        var stores: [String: (application: String, kind: Kind, subtopology: Subtopology?)] = [:]
        var open: [String: [TaskID: RocksDBDatabase]] = [:]
        var openGlobal: [String: RocksDBDatabase] = [:]
        /// Per application, the partitions each of its stream threads (by name) is assigned: a thread
        /// that learns late it lost partitions must not take them from a sibling assigned them since.
        var assignments: [String: [String: Set<TopicPartition>]] = [:]
    }

    private let catalogue = Mutex(Catalogue())

    public init() {}

    /// Makes `topology`'s stores known, so that a query for one of them is answered (empty) even
    /// before a task holding it starts here.
    public func declare(_ topology: Topology) {
        let kinds = Self.kinds(in: topology)
        catalogue.withLock { catalogue in
            for (store, kind) in kinds {
                catalogue.stores[store] = (topology.applicationID, kind, topology.subtopologies.first { $0.stores.contains(store) })
            }
        }
    }

    /// What each store of `topology` holds: windows for a windowed aggregation's, else key-value entries
    /// (global tables' included).
    public static func kinds(in topology: Topology) -> [String: Kind] {
        var kinds: [String: Kind] = [:]
        for node in topology.nodes {
            guard let store = node.operation.storeName else { continue }
            var kind = Kind.keyValue
            if case .aggregate(let aggregation) = node.operation {
                switch aggregation.windows {
                case nil: kind = .keyValue
                case .time(let windows): kind = .window(size: windows.size)
                case .session: kind = .session
                case .sliding(let windows): kind = .window(size: windows.size)
                }
            }
            kinds[store] = kind
        }
        for table in topology.globalTables { kinds[table.store] = .keyValue }
        return kinds
    }

    func register(_ store: KeyValueStore, task: TaskID) {
        catalogue.withLock { $0.open[store.name, default: [:]][task] = store.database }
    }

    func unregister(_ store: KeyValueStore, task: TaskID) {
        catalogue.withLock { catalogue in
            // A sibling stream thread may have opened the task (its own store) by now.
            if catalogue.open[store.name]?[task] === store.database { catalogue.open[store.name]?[task] = nil }
        }
    }

    func registerGlobal(_ store: KeyValueStore) {
        catalogue.withLock { $0.openGlobal[store.name] = store.database }
    }

    func unregisterGlobal(_ store: KeyValueStore) {
        catalogue.withLock { catalogue in
            // Another stream thread may hold its own copy of the same global store by now.
            if catalogue.openGlobal[store.name] === store.database { catalogue.openGlobal[store.name] = nil }
        }
    }

    func assigned(_ partitions: [TopicPartition], to application: String, thread: String) {
        catalogue.withLock { $0.assignments[application, default: [:]][thread, default: []].formUnion(partitions) }
    }

    func revoked(_ partitions: [TopicPartition], from application: String, thread: String) {
        catalogue.withLock { _ = $0.assignments[application]?[thread]?.subtract(partitions) }
    }

    /// The input partitions each application processes in this instance.
    public var assignments: [String: [TopicPartition]] {
        catalogue.withLock { catalogue in
            catalogue.assignments.mapValues { threads in
                threads.values.reduce(into: Set()) { $0.formUnion($1) }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
            }
        }
    }

    /// Every store, sorted by name.
    public var stores: [Store] {
        catalogue.withLock { catalogue in
            catalogue.stores.map { name, entry in
                store(named: name, entry, in: catalogue)
            }.sorted { $0.name < $1.name }
        }
    }

    /// The store named `name`.
    public func store(named name: String) throws(UnknownStore) -> Store {
        try catalogue.withLock { catalogue throws(UnknownStore) in
            guard let entry = catalogue.stores[name] else { throw UnknownStore(name: name) }
            return store(named: name, entry, in: catalogue)
        }
    }

    private func store(named name: String, _ entry: (application: String, kind: Kind, subtopology: Subtopology?), in catalogue: Catalogue) -> Store {
        Store(
            name: name, application: entry.application, kind: entry.kind, tasks: (catalogue.open[name] ?? [:]).keys.sorted(),
            subtopology: entry.subtopology)
    }

    public func kind(of store: String) throws(UnknownStore) -> Kind {
        guard let entry = catalogue.withLock({ $0.stores[store] }) else { throw UnknownStore(name: store) }
        return entry.kind
    }

    /// The value of `key` in a key-value store.
    public func value(of key: [UInt8], in store: String) throws -> [UInt8]? {
        for database in try databases(of: store) {
            if let value = try database.get(key, in: KeyValueStore.dataFamily) { return value }
        }
        return nil
    }

    /// The entries of a key-value store in `range`, in key order, at most `limit`; only those of the
    /// tasks of `partitions` when given.
    public func entries(in range: RocksDBKeyRange, of store: String, limit: Int, partitions: Set<Int>? = nil) throws -> [(key: [UInt8], value: [UInt8])] {
        var merged: [(key: [UInt8], value: [UInt8])] = []
        for database in try databases(of: store, partitions: partitions) {
            merged += try database.entries(in: range, columnFamily: KeyValueStore.dataFamily, limit: limit)
        }
        return Array(merged.sorted { $0.key.lexicographicallyPrecedes($1.key) }.prefix(limit))
    }

    /// The windows of `key` (every key when `nil`) that start in `from...to`, ordered by start; only
    /// those of the tasks of `partitions` when given.
    public func windows(of key: [UInt8]?, in store: String, startingFrom from: Int64, to: Int64, partitions: Set<Int>? = nil) throws -> [WindowedValue] {
        let databases = try databases(of: store, partitions: partitions)
        var found: [WindowedValue] = []
        switch try kind(of: store) {
        case .keyValue:
            return []
        case .window(let size):
            let range = WindowStoreLayout.timeRange(from: from, to: to == .max ? .max : to + 1)
            for database in databases {
                for entry in try database.entries(in: range, columnFamily: KeyValueStore.dataFamily) {
                    let (window, entryKey) = WindowStoreLayout.decodeWindowKey(entry.key, size: size)
                    if key == nil || entryKey == key { found.append(WindowedValue(key: entryKey, window: window, value: entry.value)) }
                }
            }
        case .session:
            // Sessions are laid out by end: a session starting in the range ends at or after `from`.
            for database in databases {
                for entry in try database.entries(in: WindowStoreLayout.timeRange(from: from, to: .max), columnFamily: KeyValueStore.dataFamily) {
                    let (session, entryKey) = WindowStoreLayout.decodeSessionKey(entry.key)
                    if (key == nil || entryKey == key), session.start >= from, session.start <= to {
                        found.append(WindowedValue(key: entryKey, window: session, value: entry.value))
                    }
                }
            }
        }
        return found.sorted { ($0.window.start, $0.window.end) < ($1.window.start, $1.window.end) || ($0.window == $1.window && $0.key.lexicographicallyPrecedes($1.key)) }
    }

    private func databases(of store: String, partitions: Set<Int>? = nil) throws -> [RocksDBDatabase] {
        try catalogue.withLock { catalogue throws(UnknownStore) in
            guard catalogue.stores[store] != nil else { throw UnknownStore(name: store) }
            if let global = catalogue.openGlobal[store] { return [global] }
            return (catalogue.open[store] ?? [:]).filter { partitions?.contains(Int($0.key.partition)) ?? true }.sorted { $0.key < $1.key }.map(\.value)
        }
    }
}
