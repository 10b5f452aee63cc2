import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPServing
import StreamCore

/// Sends a key's query to the instance that holds the key: a store of a sub-topology is split over
/// its tasks, one per partition of the sub-topology's source topics, and a key's part is in the task
/// of the partition the key lands in (``KeyPartitioner``, as the producers partition). When another
/// live instance processes that partition, the query is forwarded to it and its answer returned.
struct KeyQueryRouter: Sendable {
    /// Marks a forwarded request (with the forwarding instance's id): it is answered where it lands,
    /// never forwarded again.
    static let forwardedHeader = "X-Tributary-Forwarded-By"
    /// Names the instance whose state answered.
    static let answeredByHeader = "X-Tributary-Answered-By"

    let stores: QueryableStores
    let directory: InstanceDirectory

    /// Where a query for `key` in `store` must be answered.
    enum Route: Equatable {
        case here
        case instance(InstanceAdvertisement)
        /// No live instance can answer now; the text says why.
        case unavailable(String)
    }

    func route(key: String, in storeName: String) -> Route {
        // Unknown stores and global tables (whole on every instance) are answered here.
        guard let store = try? stores.store(named: storeName), let subtopology = store.subtopology,
              let topic = subtopology.sourceTopics.first, let partitions = directory.partitionCount(of: topic)
        else { return .here }
        let partition = TopicPartition(topic, KeyPartitioner.partition(of: Array(key.utf8), partitions: partitions))
        if store.tasks.contains(TaskID(subtopology: subtopology.id, partition: partition.partition)) { return .here }
        guard let owner = directory.owner(of: partition, in: store.application), owner.instance != directory.instance else {
            return .unavailable("no live instance holds key '\(key)' of store '\(storeName)' (partition \(partition)) right now: it is being handed over; retry shortly")
        }
        guard owner.endpoint != nil else {
            return .unavailable("instance \(owner.instance) holds key '\(key)' of store '\(storeName)' but serves no HTTP endpoint")
        }
        return .instance(owner)
    }

    /// Asks `owner` the same `request` and returns its answer; 502 when it does not answer.
    func forward(_ request: HTTPRequest, to owner: InstanceAdvertisement) async -> HTTPResponse {
        guard let endpoint = owner.endpoint, let url = URL(string: endpoint + request.uri) else {
            return Self.error(502, "instance \(owner.instance) advertises no usable endpoint")
        }
        var forwarded = URLRequest(url: url, timeoutInterval: 10)
        forwarded.setValue(directory.instance, forHTTPHeaderField: Self.forwardedHeader)
        if let authorization = request.header("Authorization") { forwarded.setValue(authorization, forHTTPHeaderField: "Authorization") }
        do {
            let (body, response) = try await URLSession.shared.data(for: forwarded)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 502
            return HTTPResponse(status: status, headers: [("Content-Type", "application/json"), (Self.answeredByHeader, owner.instance)], body: Array(body))
        } catch {
            return Self.error(502, "instance \(owner.instance) at \(endpoint) holds this key but did not answer: \(error.localizedDescription)")
        }
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: JSONValue.object(["error": .string(message)]).jsonBytes)
    }
}
