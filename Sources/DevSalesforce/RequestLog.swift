import Foundation
import StreamCore

/// The Salesforce calls the stand-in answered, for tests and developers to inspect (`GET /requests`).
/// Holds no credentials: method, path, status and the record count only.
struct RequestLog: Sendable {
    private struct Entry {
        var method: String
        var path: String
        var status: Int
        var records: Int?
        var at: Date
    }

    private var entries: [Entry] = []

    mutating func append(method: String, path: String, status: Int, records: Int?, at: Date) {
        entries.append(Entry(method: method, path: path, status: status, records: records, at: at))
    }

    /// `[{"method","path","status","records"?,"at"}]`, oldest first; `records` only for collections calls.
    var json: JSONValue {
        .array(entries.map { entry in
            var object: JSONObject = ["method": .string(entry.method), "path": .string(entry.path), "status": .int(Int64(entry.status))]
            if let records = entry.records { _ = object.updateValue(.int(Int64(records)), forKey: "records") }
            _ = object.updateValue(.string(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(entry.at)), forKey: "at")
            return .object(object)
        })
    }
}
