import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPServing
import StreamCore

/// Sends a query to the instances whose state can answer it. A store of a sub-topology is split over
/// its tasks, one per partition of the sub-topology's source topics, and each task lives on the
/// instance that processes its partition (as advertised in the ``InstanceDirectory``):
/// - a key's query goes to the task of the partition the key lands in (``KeyPartitioner``, as the
///   producers partition), forwarded to the owning instance when that is another one;
/// - a range query is gathered from every instance holding some of the store's tasks, each asked for
///   the partitions it owns, and the parts merged in the store's order.
/// Global tables are whole on every instance and answered where asked.
struct QueryRouter: Sendable {
    /// Marks a forwarded request (with the forwarding instance's id): it is answered where it lands,
    /// never forwarded again.
    static let forwardedHeader = "X-Tributary-Forwarded-By"
    /// On a gathered range query: the partitions (comma-separated) whose entries the instance returns.
    static let partitionsHeader = "X-Tributary-Partitions"
    /// Names the instances whose state answered.
    static let answeredByHeader = "X-Tributary-Answered-By"

    let stores: QueryableStores
    let directory: InstanceDirectory

    /// Where (part of) a query must be answered.
    enum Route: Equatable {
        case here
        case instance(InstanceAdvertisement)
        /// No live instance can answer now; the text says why.
        case unavailable(String)
    }

    /// The partitioned store named `storeName`, the topic whose partitions split it and how many it has;
    /// `nil` for global tables and unknown stores (answered here).
    private func partitioning(of storeName: String) -> (store: QueryableStores.Store, subtopology: Subtopology, topic: String, partitions: Int)? {
        guard let store = try? stores.store(named: storeName), let subtopology = store.subtopology,
              let topic = subtopology.sourceTopics.first, let partitions = directory.partitionCount(of: topic)
        else { return nil }
        return (store, subtopology, topic, partitions)
    }

    /// Where the task of `partition` of the store is.
    private func route(partition: Int32, of store: QueryableStores.Store, _ subtopology: Subtopology, topic: String, storeName: String, holding what: String) -> Route {
        if store.tasks.contains(TaskID(subtopology: subtopology.id, partition: partition)) { return .here }
        guard let owner = directory.owner(of: TopicPartition(topic, partition), in: store.application), owner.instance != directory.instance else {
            return .unavailable("no live instance holds \(what) of store '\(storeName)' (partition \(topic)-\(partition)) right now: it is being handed over; retry shortly")
        }
        guard owner.endpoint != nil else {
            return .unavailable("instance \(owner.instance) holds \(what) of store '\(storeName)' but serves no HTTP endpoint")
        }
        return .instance(owner)
    }

    func route(key: String, in storeName: String) -> Route {
        guard let (store, subtopology, topic, partitions) = partitioning(of: storeName) else { return .here }
        let partition = KeyPartitioner.partition(of: Array(key.utf8), partitions: partitions)
        return route(partition: partition, of: store, subtopology, topic: topic, storeName: storeName, holding: "key '\(key)'")
    }

    /// The partitions of `storeName` each other live instance holds, or why some partition has no live
    /// holder; empty when every partition is here (or the store is global).
    func holders(of storeName: String) -> Result<[(owner: InstanceAdvertisement, partitions: Set<Int>)], Unavailable> {
        guard let (store, subtopology, topic, partitions) = partitioning(of: storeName) else { return .success([]) }
        var holders: [String: (owner: InstanceAdvertisement, partitions: Set<Int>)] = [:]
        for partition in 0..<Int32(partitions) {
            switch route(partition: partition, of: store, subtopology, topic: topic, storeName: storeName, holding: "part") {
            case .here: continue
            case .instance(let owner): holders[owner.instance, default: (owner, [])].partitions.insert(Int(partition))
            case .unavailable(let reason): return .failure(Unavailable(reason: reason))
            }
        }
        return .success(holders.values.sorted { $0.owner.instance < $1.owner.instance })
    }

    struct Unavailable: Error {
        var reason: String
    }

    /// Asks `owner` the same `request` (for the entries of `partitions` only, when given) and returns its
    /// answer; 502 when it does not answer.
    func forward(_ request: HTTPRequest, to owner: InstanceAdvertisement, partitions: Set<Int>? = nil) async -> HTTPResponse {
        guard let endpoint = owner.endpoint, let url = URL(string: endpoint + request.uri) else {
            return Self.error(502, "instance \(owner.instance) advertises no usable endpoint")
        }
        var forwarded = URLRequest(url: url, timeoutInterval: 10)
        forwarded.setValue(directory.instance, forHTTPHeaderField: Self.forwardedHeader)
        if let partitions { forwarded.setValue(partitions.sorted().map(String.init).joined(separator: ","), forHTTPHeaderField: Self.partitionsHeader) }
        if let authorization = request.header("Authorization") { forwarded.setValue(authorization, forHTTPHeaderField: "Authorization") }
        do {
            let (body, response) = try await URLSession.shared.data(for: forwarded)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 502
            return HTTPResponse(status: status, headers: [("Content-Type", "application/json"), (Self.answeredByHeader, owner.instance)], body: Array(body))
        } catch {
            return Self.error(502, "instance \(owner.instance) at \(endpoint) holds part of this store but did not answer: \(error.localizedDescription)")
        }
    }

    /// The partitions a gathering instance asked for in `request`, if it did.
    static func requestedPartitions(of request: HTTPRequest) -> Set<Int>? {
        request.header(partitionsHeader).map { Set($0.split(separator: ",").compactMap { Int($0) }) }
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: JSONValue.object(["error": .string(message)]).jsonBytes)
    }
}
