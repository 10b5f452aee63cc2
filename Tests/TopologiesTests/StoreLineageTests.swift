import Logging
import StreamCore
import Testing
import Topologies

/// What a store's lineage notices when a topology file changes, and what it lets pass.
@Suite("Store lineage")
struct StoreLineageTests {
    static func lineage(steps: String, window: String = "{ tumbling: 1m, grace: 2m }", valueFormat: String = "json") throws -> StoreLineage {
        let yaml = """
            application-id: views
            sources:
              interactions: { topic: customer-interactions, key: string, value: \(valueFormat) }
            pipelines:
              counts:
                from: interactions
                steps:
            \(steps)
                  - group-by: { key: value.product, repartition: by-product }
                  - window: \(window)
                  - count: { store: views-1m }
                  - to: out
            """
        let topology = try TopologyCompiler.compile(TopologyParser.parse(yaml: yaml, file: "t.yml"), logger: Logger(label: "test"))
        return try #require(StoreLineage(of: "views-1m", in: topology))
    }

    static let filter = "      - filter: value.event == \"Product Viewed\""

    @Test func theSameStructureWithOtherExpressionsOrGraceIsTheSameLineage() throws {
        let original = try Self.lineage(steps: Self.filter)
        #expect(try Self.lineage(steps: "      - filter: value.event == \"Product Added\"").changes(since: original).isEmpty)
        #expect(try Self.lineage(steps: Self.filter, window: "{ tumbling: 1m, grace: 10m }").changes(since: original).isEmpty)
    }

    @Test func anotherWindowSizeOrAStepAddedBeforeTheStoreIsAChange() throws {
        let original = try Self.lineage(steps: Self.filter)
        let resized = try Self.lineage(steps: Self.filter, window: "{ tumbling: 2m, grace: 2m }").changes(since: original)
        #expect(resized.count == 1 && resized[0].contains("windows of 60000 ms") && resized[0].contains("windows of 120000 ms"), "\(resized)")
        let added = try Self.lineage(steps: Self.filter + "\n      - filter: value.product != null").changes(since: original)
        #expect(added.contains { $0.hasPrefix("now also fed by") && $0.contains("counts.1.filter") }, "\(added)")
    }

    @Test func anotherValueFormatOfTheSourceIsAChange() throws {
        let changes = try Self.lineage(steps: Self.filter, valueFormat: "string").changes(since: Self.lineage(steps: Self.filter))
        #expect(changes.contains { $0.contains("value json") } && changes.contains { $0.contains("value string") }, "\(changes)")
    }
}
