import StreamCore

/// Binds a record to the names expressions use: `key`, `value`, `headers` (name → text),
/// `timestamp` (epoch milliseconds) and `window` (for windowed results: `start` and `end` as
/// `YYYY-MM-DDTHH:mm:ss.SSSZ`, `start_ms` and `end_ms`; otherwise null), plus whatever extra roots a
/// step adds (`item`, `index`, `aggregate`).
enum RecordScope {
    // The roots' order is the parser's (`TopologyParser.recordRoots`, then `itemRoots`): the values below follow it.

    /// The scope for `record`; headers are decoded only when the expression reads them.
    static func scope(for record: StreamRecord, roots: [String], readsHeaders: Bool, extra: [JSONValue] = []) -> ExpressionScope {
        ExpressionScope(roots: roots, values: [
            record.key, record.value, readsHeaders ? headers(of: record) : .null, .int(record.timestamp), window(of: record),
        ] + extra)
    }

    private static func window(of record: StreamRecord) -> JSONValue {
        guard let window = record.window else { return .null }
        return .object([
            "start": .string(EventTimestamp.formatISO8601(window.start)), "end": .string(EventTimestamp.formatISO8601(window.end)),
            "start_ms": .int(window.start), "end_ms": .int(window.end),
        ])
    }

    private static func headers(of record: StreamRecord) -> JSONValue {
        var object = JSONObject()
        for header in record.headers {
            object[header.name] = header.value.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null
        }
        return .object(object)
    }
}

/// An expression ready to run per record.
struct RecordEvaluator: Sendable {
    let expression: RecordExpression
    private let readsHeaders: Bool

    init(_ text: ExpressionText) {
        expression = text.expression
        readsHeaders = text.expression.referencedRoots.contains("headers")
    }

    func evaluate(_ record: StreamRecord, extra: [JSONValue] = []) throws -> JSONValue {
        try expression.evaluate(in: RecordScope.scope(for: record, roots: expression.roots, readsHeaders: readsHeaders, extra: extra))
    }

    func isSatisfied(_ record: StreamRecord, extra: [JSONValue] = []) throws -> Bool {
        try expression.isSatisfied(in: RecordScope.scope(for: record, roots: expression.roots, readsHeaders: readsHeaders, extra: extra))
    }
}
