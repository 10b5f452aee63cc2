import Logging
@testable import RunnerKit
import StreamCore
import Testing
import Topologies

/// Where a store query goes: a key to the instance whose task holds the key's partition, a range to
/// every instance holding some partitions, and a clear reason when no live instance can answer.
@Suite("Query routing")
struct QueryRouterTests {
    static let topology = """
        application-id: shop
        sources:
          orders: { topic: orders, partitions: 4 }
        pipelines:
          per-customer:
            from: orders
            steps:
              - group-by-key: {}
              - count: { store: orders-per-customer }
        """
    let stores = QueryableStores()
    let directory = InstanceDirectory(applications: ["shop"], stores: QueryableStores(), bootstrapServers: "unused:9092", kafkaProperties: [:], logger: Logger(label: "test"))

    init() throws {
        stores.declare(try TopologyCompiler.compile(try TopologyParser.parse(yaml: Self.topology, file: "shop.yml"), logger: Logger(label: "test")))
        directory.learn(partitionCounts: ["orders": 4])
    }

    func advertise(_ instance: String, _ partitions: [Int32], endpoint: String? = "http://elsewhere:8080") -> InstanceAdvertisement {
        let advertisement = InstanceAdvertisement(
            instance: instance, application: "shop", endpoint: endpoint, partitions: partitions.map { TopicPartition("orders", $0) }, time: InstanceDirectory.now)
        directory.learn(advertisement)
        return advertisement
    }

    /// A key whose partition of `orders` (4 partitions, as producers partition) is `partition`.
    func key(in partition: Int32) -> String {
        (0...).lazy.map { "C\($0)" }.first { KeyPartitioner.partition(of: Array($0.utf8), partitions: 4) == partition }!
    }

    @Test func aKeyGoesToTheInstanceHoldingItsPartition() {
        let router = QueryRouter(stores: stores, directory: directory)
        let b = advertise("b", [0, 1])
        let c = advertise("c", [2, 3])
        #expect(router.route(key: key(in: 1), in: "orders-per-customer") == .instance(b))
        #expect(router.route(key: key(in: 3), in: "orders-per-customer") == .instance(c))
    }

    @Test func whenNoLiveInstanceCanAnswerTheRouteSaysWhy() {
        let router = QueryRouter(stores: stores, directory: directory)
        _ = advertise("b", [0])
        _ = advertise("quiet", [1], endpoint: nil)
        guard case .unavailable(let handedOver) = router.route(key: key(in: 2), in: "orders-per-customer"),
              case .unavailable(let noEndpoint) = router.route(key: key(in: 1), in: "orders-per-customer") else {
            Issue.record("partitions 1 and 2 cannot be answered")
            return
        }
        #expect(handedOver.contains("no live instance holds key") && handedOver.contains("orders-2"))
        #expect(noEndpoint.contains("instance quiet") && noEndpoint.contains("serves no HTTP endpoint"))
    }

    @Test func aRangeIsGatheredFromEveryInstanceForThePartitionsItHolds() throws {
        let router = QueryRouter(stores: stores, directory: directory)
        _ = advertise("c", [1, 3])
        _ = advertise("b", [0, 2])
        let holders = try router.holders(of: "orders-per-customer").get()
        #expect(holders.map(\.owner.instance) == ["b", "c"])
        #expect(holders.map(\.partitions) == [[0, 2], [1, 3]])
    }

    @Test func anUnknownStoreIsAnsweredHere() {
        #expect(QueryRouter(stores: stores, directory: directory).route(key: "C1", in: "no-such-store") == .here)
    }
}
