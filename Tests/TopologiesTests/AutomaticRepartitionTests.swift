import Logging
import StreamCore
import Testing
import Topologies

/// Repartition topics inserted where Kafka Streams inserts them (`KStreamImpl#repartitionRequired`):
/// before a step that needs each key in one task, after a step that changed the key.
@Suite("Automatic repartitioning")
struct AutomaticRepartitionTests {
    private static func definition(_ pipelines: String, sources: String = "  clicks: { topic: clicks, partitions: 6 }") throws -> TopologyDefinition {
        try TopologyParser.parse(yaml: """
            application-id: app
            sources:
            \(sources)
            pipelines:
            \(pipelines)
            """, file: "t.yml")
    }

    private static func repartitionTopics(of definition: TopologyDefinition) throws -> [String] {
        try TopologyCompiler.compile(definition, logger: Logger(label: "test")).repartitionTopics.sorted()
    }

    /// `KStreamImplTest#shouldSupportGroupByCountWithKStreamToKTable`-style: select-key, then count.
    @Test func aReKeyedStreamIsRepartitionedBeforeItsAggregation() throws {
        let definition = try Self.definition("""
              counts:
                from: clicks
                steps:
                  - select-key: value.page
                  - name: by-page
                    group-by-key: {}
                  - count: { store: page-counts }
                  - to: page-counts
            """)
        #expect(definition.automaticRepartitions.map(\.name) == ["by-page"])
        #expect(try Self.repartitionTopics(of: definition) == ["app-by-page-repartition"])
        #expect(definition.topicPartitions["app-by-page-repartition"] == 6, "the input's partition count")
        #expect(definition.topicPartitions["app-page-counts-changelog"] == 6)
    }

    @Test func aStreamStillKeyedByItsPartitionsIsNotRepartitioned() throws {
        let definition = try Self.definition("""
              counts:
                from: clicks
                steps:
                  - filter: value.page != null
                  - map-values: { page: value.page }
                  - group-by-key: {}
                  - count: { store: user-counts }
                  - to: user-counts
              explicit:
                from: clicks
                steps:
                  - select-key: value.page
                  - repartition: { name: pages }
                  - group-by-key: {}
                  - count: { store: page-counts }
                  - to: page-counts
            """)
        #expect(definition.automaticRepartitions.isEmpty)
        #expect(try Self.repartitionTopics(of: definition) == ["app-pages-repartition"])
    }

    @Test func aKeyChangeCarriesThroughPipelinesAndMerges() throws {
        let definition = try Self.definition("""
              rekeyed:
                from: clicks
                steps:
                  - map: { key: value.page }
              all:
                from: clicks
                steps:
                  - merge: rekeyed
                  - to-table: { store: latest }
                  - to-stream: {}
                  - to: latest
            """)
        #expect(definition.automaticRepartitions.map(\.name) == ["all.1.to-table"])
    }

    @Test func joinsRepartitionEachReKeyedSideButNeverForAGlobalTable() throws {
        let definition = try Self.definition("""
              orders-by-user:
                from: orders
                steps:
                  - select-key: value.userId
              with-customer:
                from: orders-by-user
                steps:
                  - name: customer-join
                    join: { table: customers, kind: left, value: 'with(value, "customer", other)' }
                  - to: enriched
              with-product:
                from: orders-by-user
                steps:
                  - join: { table: products, key: value.product, value: 'with(value, "product", other)' }
                  - to: priced
              clicks-by-user:
                from: clicks
                steps:
                  - select-key: value.userId
              conversions:
                from: orders-by-user
                steps:
                  - name: converted
                    join: { stream: clicks-by-user, window: { within: 1h }, store: conversions, value: '{order: value, click: other}' }
                  - to: conversions
            """, sources: """
              orders: { topic: orders, partitions: 6 }
              clicks: { topic: clicks, partitions: 6 }
              customers: { topic: customers, table: customers, partitions: 3 }
              products: { topic: products, global-table: products }
            """)
        #expect(definition.automaticRepartitions.map(\.name) == ["customer-join", "converted-left", "converted-right"])
        #expect(try Self.repartitionTopics(of: definition) == ["app-converted-left-repartition", "app-converted-right-repartition", "app-customer-join-repartition"])
        #expect(definition.topicPartitions["app-customer-join-repartition"] == 3, "a stream joining a table is repartitioned to the table's count")
    }

    @Test func aTablesRowsAreNeverRepartitionedByKey() throws {
        let definition = try Self.definition("""
              regions:
                from: users
                steps:
                  - group-by: { key: value.region, repartition: by-region }
                  - count: { store: users-per-region }
                  - to-stream: {}
                  - to: users-per-region
            """, sources: "  users: { topic: users, table: users }")
        #expect(definition.automaticRepartitions.isEmpty)
    }
}
