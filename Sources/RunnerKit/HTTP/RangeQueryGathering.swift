import HTTPServing
import StreamCore

extension QueryRouter {
    /// Answers a range query over a partitioned store from the whole store: `local` is this instance's
    /// part (every task it holds); the other parts are asked of `holders` at once, each for the
    /// partitions it owns, so that no entry is counted twice while a task is being handed over. Each
    /// part is already in order and cut at `limit`, so the first `limit` of their merge are the answer.
    ///
    /// Any part that cannot be had fails the query (its status and reason): a range that silently
    /// missed some partitions would look complete.
    func gatherRange(_ request: HTTPRequest, local: StoreQueryRoutes.Response, holders: [(owner: InstanceAdvertisement, partitions: Set<Int>)]) async -> HTTPResponse {
        guard local.status == 200, case .array(var entries) = local.body else {
            return HTTPResponse(status: local.status, contentType: "application/json", body: local.body.jsonBytes)
        }
        let parts = await withTaskGroup(of: (String, HTTPResponse).self) { group in
            for (owner, partitions) in holders {
                group.addTask { (owner.instance, await forward(request, to: owner, partitions: partitions)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for (instance, response) in parts.sorted(by: { $0.0 < $1.0 }) {
            guard response.status == 200, case .array(let part)? = try? JSONValue(parsing: response.body) else {
                let reason = (try? JSONValue(parsing: response.body))?["error"]?.stringValue ?? String(decoding: response.body, as: UTF8.self)
                return Self.error(response.status == 200 ? 502 : response.status, "instance \(instance) could not answer its part of this range: \(reason)")
            }
            entries += part
        }
        let limit = (try? StoreQueryRoutes.limit(in: request.query)) ?? entries.count
        let answer = JSONValue.array(Array(entries.sorted(by: StoreQueryRoutes.precedes).prefix(limit)))
        let answeredBy = ([directory.instance] + parts.map(\.0).sorted()).joined(separator: ",")
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/json"), (Self.answeredByHeader, answeredBy)], body: answer.jsonBytes)
    }
}
