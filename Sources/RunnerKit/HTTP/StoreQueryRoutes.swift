import StreamCore

/// Interactive queries over HTTP: the answers to `GET /stores...`, as status and JSON body.
///
/// - `GET /stores` — every store with its kind and the tasks holding it here (`global`: a global
///   table's store, held whole by every instance).
/// - `GET /stores/{store}/keys/{key}` — one key's value (key-value stores).
/// - `GET /stores/{store}/range?from=&to=&limit=` or `?prefix=` — entries in key order (`to` excluded);
///   a windowed store's windows of those keys, ordered by start.
/// - `GET /stores/{store}/windows/{key}?from=&to=` — a key's windows starting in `from...to` (ISO-8601
///   or epoch milliseconds), ordered by start.
///
/// Answers reflect the state as of the last commit. Unknown store or key → 404, malformed parameter →
/// 400, each with `{"error": "..."}`.
enum StoreQueryRoutes {
    struct Response {
        var status: Int
        var body: JSONValue
    }

    /// The answer to `path` with `query` parameters, or `nil` when the path is not a store query. With
    /// `partitions`, a range holds only the entries of those partitions' tasks (the part a
    /// ``QueryRouter`` gathering the range asks of this instance).
    static func respond(path: [String], query: [String: String], stores: QueryableStores, partitions: Set<Int>? = nil) -> Response? {
        guard path.first == "stores" else { return nil }
        do {
            switch Array(path.dropFirst()) {
            case []:
                return Response(status: 200, body: .array(stores.stores.map { store in
                    .object([
                        "name": .string(store.name), "application": .string(store.application), "kind": .string(store.kind.description),
                        "tasks": .array(store.tasks.map { .string($0.description) }), "global": .bool(store.isGlobal),
                    ])
                }))
            case let parts where parts.count == 3 && parts[1] == "keys":
                let (store, key) = (parts[0], parts[2])
                guard let value = try stores.value(of: Array(key.utf8), in: store) else {
                    return Response(status: 404, body: error("no key '\(key)' in store '\(store)'"))
                }
                return Response(status: 200, body: .object(["key": .string(key), "value": decode(value)]))
            case let parts where parts.count == 2 && parts[1] == "range":
                return try range(in: parts[0], query: query, stores: stores, partitions: partitions)
            case let parts where parts.count == 3 && parts[1] == "windows":
                return try windows(of: parts[2], in: parts[0], query: query, stores: stores)
            default:
                return Response(status: 404, body: error("no such query; try /stores, /stores/{store}/keys/{key}, /stores/{store}/range or /stores/{store}/windows/{key}"))
            }
        } catch let unknown as QueryableStores.UnknownStore {
            let known = stores.stores.map(\.name).joined(separator: ", ")
            return Response(status: 404, body: error("no store '\(unknown.name)'; stores: \(known.isEmpty ? "none" : known)"))
        } catch let invalid as InvalidParameter {
            return Response(status: 400, body: error(invalid.message))
        } catch let failure {
            return Response(status: 503, body: error("store unavailable: \(failure)"))
        }
    }

    private static func range(in store: String, query: [String: String], stores: QueryableStores, partitions: Set<Int>?) throws -> Response {
        let limit = try limit(in: query)
        let keyRange: RocksDBKeyRange
        if let prefix = query["prefix"] {
            guard query["from"] == nil, query["to"] == nil else {
                throw InvalidParameter(message: "parameter 'prefix' excludes 'from' and 'to'")
            }
            keyRange = .prefix(Array(prefix.utf8))
        } else {
            keyRange = RocksDBKeyRange(from: query["from"].map { Array($0.utf8) }, to: query["to"].map { Array($0.utf8) })
        }
        if case .keyValue = try stores.kind(of: store) {
            let entries = try stores.entries(in: keyRange, of: store, limit: limit, partitions: partitions)
            return Response(status: 200, body: .array(entries.map { .object(["key": .string(String(decoding: $0.key, as: UTF8.self)), "value": decode($0.value)]) }))
        }
        let windows = try stores.windows(of: nil, in: store, startingFrom: 0, to: .max, partitions: partitions).filter { keyRange.contains($0.key) }
        return Response(status: 200, body: .array(windows.prefix(limit).map(windowJSON)))
    }

    /// A range query's `limit` (1000 when not given).
    static func limit(in query: [String: String]) throws -> Int {
        try query["limit"].map { text in
            guard let limit = Int(text), limit > 0 else { throw InvalidParameter(message: "parameter 'limit' must be a positive integer, got '\(text)'") }
            return limit
        } ?? 1000
    }

    /// The order of a range query's answer: key-value entries by key; windows by start, end, then key.
    static func precedes(_ left: JSONValue, _ right: JSONValue) -> Bool {
        func field(_ entry: JSONValue, _ name: String) -> [UInt8] { Array((entry[name]?.stringValue ?? "").utf8) }
        for name in ["window_start", "window_end", "key"] where field(left, name) != field(right, name) {
            return field(left, name).lexicographicallyPrecedes(field(right, name))
        }
        return false
    }

    private static func windows(of key: String, in store: String, query: [String: String], stores: QueryableStores) throws -> Response {
        let from = try query["from"].map { try time($0, parameter: "from") } ?? 0
        let to = try query["to"].map { try time($0, parameter: "to") } ?? .max
        guard from <= to else { throw InvalidParameter(message: "parameter 'from' is after 'to'") }
        if case .keyValue = try stores.kind(of: store) {
            throw InvalidParameter(message: "store '\(store)' is a key-value store; use /stores/\(store)/keys/{key}")
        }
        return Response(status: 200, body: .array(try stores.windows(of: Array(key.utf8), in: store, startingFrom: from, to: to).map(windowJSON)))
    }

    private static func windowJSON(_ windowed: QueryableStores.WindowedValue) -> JSONValue {
        .object([
            "key": .string(String(decoding: windowed.key, as: UTF8.self)),
            "window_start": .string(EventTimestamp.formatISO8601(windowed.window.start)),
            "window_end": .string(EventTimestamp.formatISO8601(windowed.window.end)),
            "value": decode(windowed.value),
        ])
    }

    /// ISO-8601 (`2026-11-27T10:00:00.000Z`) or epoch milliseconds.
    private static func time(_ text: String, parameter: String) throws -> Int64 {
        if let milliseconds = Int64(text) { return milliseconds }
        if let milliseconds = EventTimestamp.parseISO8601(text) { return milliseconds }
        throw InvalidParameter(message: "parameter '\(parameter)' must be an ISO-8601 time (2026-11-27T10:00:00.000Z) or epoch milliseconds, got '\(text)'")
    }

    /// Stored values are JSON (with their timestamp, ``StoredValue``); anything else is shown as text
    /// rather than failing the query.
    private static func decode(_ bytes: [UInt8]) -> JSONValue {
        (try? StoredValue.decode(bytes).value) ?? .string(String(decoding: bytes, as: UTF8.self))
    }

    private static func error(_ message: String) -> JSONValue {
        .object(["error": .string(message)])
    }

    private struct InvalidParameter: Error {
        var message: String
    }
}
