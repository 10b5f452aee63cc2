import Logging
import StreamCore
import Testing
import Topologies

/// The configuration a topology asks for its own topics when it creates them on a real cluster.
@Suite("Internal topic configs")
struct InternalTopicConfigsTests {
    @Test func changelogsAreCompactedAndWindowedOnesAlsoExpireADayAfterTheirRetention() throws {
        let yaml = """
            application-id: views
            sources:
              interactions: { topic: customer-interactions, key: string, value: json }
            pipelines:
              per-minute:
                from: interactions
                steps:
                  - group-by: { key: value.product, repartition: by-product }
                  - window: { tumbling: 1m, grace: 2m, retention: 2h }
                  - count: { store: views-1m }
                  - to: out
              totals:
                from: interactions
                steps:
                  - group-by: { key: value.product, repartition: by-product-total }
                  - count: { store: views-total }
                  - to: totals
            """
        let topology = try TopologyCompiler.compile(TopologyParser.parse(yaml: yaml, file: "t.yml"), logger: Logger(label: "test"))
        let configs = topology.internalTopicConfigs
        // 2 h + 1 day, in milliseconds: 7,200,000 + 86,400,000.
        #expect(configs["views-views-1m-changelog"] == ["cleanup.policy": "compact,delete", "retention.ms": "93600000"])
        #expect(configs["views-views-total-changelog"] == ["cleanup.policy": "compact"])
        #expect(configs["views-instances"] == ["cleanup.policy": "delete", "retention.ms": "3600000"])
        #expect(configs["views-by-product-repartition"] == nil, "repartition topics keep the cluster's defaults")
    }
}
