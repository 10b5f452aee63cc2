import Foundation
import Logging
import StreamCore
import Testing
import Topologies
import TributaryTestSupport

/// Stateful steps from YAML to results: parse, compile, and process records against real RocksDB
/// stores; and the diagnostics for stateful steps written wrongly.
@Suite("Stateful steps")
struct StatefulStepsTests {
    /// A compiled file with every store its topology writes opened in a temporary directory.
    final class Compiled {
        private let temporary = TemporaryDirectory("stateful")
        var directory: String { temporary.path }
        let processor: RecordProcessor
        let state: TaskState
        private var offset: Int64 = 0

        init(_ yaml: String) throws {
            let topology = try TopologyCompiler.compile(TopologyParser.parse(yaml: yaml, file: "t.yml"), logger: Logger(label: "test"))
            processor = RecordProcessor(topology: topology)
            var stores: [String: KeyValueStore] = [:]
            for name in topology.subtopologies.flatMap(\.stores) {
                stores[name] = try KeyValueStore(name: name, directory: temporary.appending(name), changelog: TopicPartition(topology.changelogTopic(of: name), 0))
            }
            state = TaskState(stores: stores)
        }

        /// Outputs of one input as `topic key=value`.
        func send(_ key: String, _ value: String?, topic: String = "in") -> [String] {
            offset += 1
            let input = ConsumerRecord(topic: topic, partition: 0, offset: offset, key: Array(key.utf8), value: value.map { Array($0.utf8) }, timestamp: 1_000)
            switch processor.process(input, state: state) {
            case .outputs(let records):
                return records.map { "\($0.topic) \(String(decoding: $0.key ?? [], as: UTF8.self))=\($0.value.map { String(decoding: $0, as: UTF8.self) } ?? "null")" }
            case .deadLetter(_, let error):
                return ["dead-letter \(error.kind): \(error.message)"]
            }
        }

        /// The JSON text of the value stored for `key`.
        func stored(_ store: String, _ key: String) throws -> String? {
            try state.stores[store]?.get(Array(key.utf8)).map { String(decoding: JSONSerializer.serialize(try StoredValue.decode($0).value), as: UTF8.self) }
        }
    }

    @Test func aTableSourceKeepsTheLatestValueAndTableStepsTurnFilteredKeysIntoDeletions() throws {
        let compiled = try Compiled("""
            application-id: app
            sources:
              stock: { topic: in, table: stock }
            pipelines:
              low:
                from: stock
                steps:
                  - filter: value.available < 5
                  - map-values: { left: value.available }
                  - to-stream: {}
                  - to: low-stock
            """)
        #expect(compiled.send("P1", #"{"available":3}"#) == [#"low-stock P1={"left":3}"#])
        #expect(compiled.send("P1", #"{"available":9}"#) == ["low-stock P1=null"], "no longer low: deleted downstream")
        #expect(try compiled.stored("stock", "P1") == #"{"available":9}"#)
        #expect(compiled.send("P1", nil) == [], "deleted, but the filtered table no longer held it: nothing to delete downstream")
        #expect(try compiled.stored("stock", "P1") == nil)
    }

    @Test func setTimeReTimesARecordForTheStepsAfterItAndItsOutput() throws {
        let topology = try TopologyCompiler.compile(TopologyParser.parse(yaml: """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              retimed:
                from: in
                steps:
                  - set-time: value.at
                  - to: out
            """, file: "t.yml"), logger: Logger(label: "test"))
        let temporary = TemporaryDirectory("set-time")
        let directory = temporary.path
        let driver = try TopologyTestDriver(topology: topology, stateDirectory: directory)
        defer { driver.close() }
        let iso = driver.pipe(topic: "in", key: Array("k".utf8), value: Array(#"{"at":"2026-11-27T10:00:00.000Z"}"#.utf8), timestamp: 5)
        #expect(iso.map(\.topic) == ["out"] && iso.first?.timestamp == 1_795_773_600_000)
        let epoch = driver.pipe(topic: "in", key: Array("k".utf8), value: Array(#"{"at":1234}"#.utf8), timestamp: 5)
        #expect(epoch.first?.timestamp == 1234)
        let invalid = driver.pipe(topic: "in", key: Array("k".utf8), value: Array(#"{"at":"yesterday"}"#.utf8), timestamp: 5)
        #expect(invalid.map(\.topic) == ["app-dlq"], "a time that is not one dead-letters the record")
    }

    /// A foreign-key join (KIP-213): orders keyed by order id, each referring to a customer; over one
    /// partition and over three (subscriptions and answers then cross tasks), the same joined table.
    @Test(arguments: [1, 3]) func aForeignKeyJoinFollowsBothTablesChanges(partitions: Int) throws {
        let definition = try TopologyParser.parse(yaml: """
            application-id: app
            sources:
              orders: { topic: orders, table: orders }
              customers: { topic: customers, table: customers }
            pipelines:
              inner:
                from: orders
                steps:
                  - join: { table: customers, foreign-key: value.customer, value: '{order: key, name: other.name}' }
                  - to-stream: {}
                  - to: inner-out
              left:
                from: orders
                steps:
                  - join: { table: customers, foreign-key: value.customer, kind: left, value: '{order: key, name: other.name}' }
                  - to-stream: {}
                  - to: left-out
            """, file: "t.yml")
        let topology = try TopologyCompiler.compile(definition, logger: Logger(label: "test"))
        let suite = try TopologyTestParser.parse(yaml: """
            tests:
              - name: both sides change
                inputs:
                  - { topic: orders, key: O1, value: { customer: C1 }, timestamp: 1 }
                  - { topic: customers, key: C1, value: { name: Ann }, timestamp: 2 }
                  - { topic: customers, key: C1, value: { name: Anna }, timestamp: 3 }
                  - { topic: orders, key: O1, value: { customer: C2 }, timestamp: 4 }
                  - { topic: customers, key: C2, value: { name: Bob }, timestamp: 5 }
                  - { topic: customers, key: C1, value: { name: Ann B }, timestamp: 6 }
                  - { topic: orders, key: O1, value: null, timestamp: 7 }
                expected:
                  inner-out:
                    - { key: O1, value: { order: O1, name: Ann } }
                    - { key: O1, value: { order: O1, name: Anna } }
                    - { key: O1, value: null }
                    - { key: O1, value: { order: O1, name: Bob } }
                    - { key: O1, value: null }
                  # A left join hears "no row" from the key it leaves, then the new key's answer; a deleted
                  # row is deleted twice (KTableKTableForeignKeyJoinIntegrationTest's left-join sequences).
                  left-out:
                    - { key: O1, value: { order: O1, name: null } }
                    - { key: O1, value: { order: O1, name: Ann } }
                    - { key: O1, value: { order: O1, name: Anna } }
                    - { key: O1, value: { order: O1, name: null } }
                    - { key: O1, value: { order: O1, name: null } }
                    - { key: O1, value: { order: O1, name: Bob } }
                    - { key: O1, value: null }
                    - { key: O1, value: null }
            """, file: "t.test.yml")
        let results = try TopologyTestRunner.run(suite, definition: definition, topology: topology, partitions: partitions)
        #expect(results.allSatisfy { $0.passed }, "\(results.flatMap { $0.differences })")
        #expect(definition.topicPartitions.keys.filter { $0.contains("inner.0.join") }.sorted()
            == ["app-inner.0.join-response-repartition", "app-inner.0.join-subscription-repartition", "app-inner.0.join-subscriptions-changelog"])
    }

    @Test func groupByReKeysThroughTheRepartitionTopicAndAggregatesDownstream() throws {
        let compiled = try Compiled("""
            application-id: app
            sources:
              orders: { topic: in }
            pipelines:
              totals:
                from: orders
                steps:
                  - group-by: { key: value.customer, repartition: by-customer }
                  - aggregate: { initial: 0, adder: aggregate + value.total, store: totals }
                  - to: customer-totals
            """)
        let rekeyed = compiled.send("O1", #"{"customer":"C1","total":5}"#)
        #expect(rekeyed == [#"app-by-customer-repartition C1={"customer":"C1","total":5}"#])
        #expect(compiled.send("C1", #"{"customer":"C1","total":5}"#, topic: "app-by-customer-repartition") == ["customer-totals C1=5"])
        #expect(compiled.send("C1", #"{"customer":"C1","total":2.5}"#, topic: "app-by-customer-repartition") == ["customer-totals C1=7.5"])
    }

    @Test func reduceStartsFromTheFirstValue() throws {
        let compiled = try Compiled("""
            application-id: app
            sources:
              prices: { topic: in }
            pipelines:
              highest:
                from: prices
                steps:
                  - group-by-key: {}
                  - reduce: { adder: 'if(value > aggregate, value, aggregate)', store: highest }
                  - to: highest-price
            """)
        #expect(compiled.send("P1", "7") == ["highest-price P1=7"])
        #expect(compiled.send("P1", "3") == ["highest-price P1=7"])
        #expect(compiled.send("P1", "11") == ["highest-price P1=11"])
    }

    @Test func windowedResultsExposeTheirWindowToLaterSteps() throws {
        let compiled = try Compiled("""
            application-id: app
            sources:
              views: { topic: in, event-time: value.at }
            pipelines:
              per-minute:
                from: views
                steps:
                  - group-by-key: {}
                  - window: { tumbling: 1m }
                  - count: { store: counts }
                  - map-values: { start: window.start, end: window.end, start_ms: window.start_ms, n: value }
                  - to: out
            """)
        #expect(compiled.send("P1", #"{"at":"2026-11-27T10:00:59.999Z"}"#)
            == [#"out P1={"start":"2026-11-27T10:00:00.000Z","end":"2026-11-27T10:01:00.000Z","start_ms":1795773600000,"n":1}"#])
    }

    @Test func streamTableJoinsLookUpTheKeysCurrentTableValue() throws {
        let compiled = try Compiled("""
            application-id: app
            sources:
              clicks: { topic: in }
              customers: { topic: customers, table: customers }
            pipelines:
              inner:
                from: clicks
                steps:
                  - join: { table: customers, value: 'concat(value.page, " by ", other.name)' }
                  - to: inner-out
              left:
                from: clicks
                steps:
                  - join: { table: customers, kind: left, when: 'other.active', value: 'with(value, "name", other.name)' }
                  - to: left-out
            """)
        #expect(compiled.send("C1", #"{"page":"home"}"#) == [#"left-out C1={"page":"home","name":null}"#], "no table value yet: only the left join emits")
        #expect(compiled.send("C1", #"{"name":"Ada","active":true}"#, topic: "customers") == [], "table updates emit nothing")
        #expect(compiled.send("C1", #"{"page":"cart"}"#) == [#"inner-out C1="cart by Ada""#, #"left-out C1={"page":"cart","name":"Ada"}"#])
        #expect(compiled.send("C1", #"{"name":"Ada","active":false}"#, topic: "customers") == [])
        #expect(compiled.send("C1", #"{"page":"shoes"}"#) == [#"inner-out C1="shoes by Ada""#, #"left-out C1={"page":"shoes","name":null}"#], "the condition decides the left join's match")
        #expect(compiled.send("C1", nil, topic: "customers") == [])
        #expect(compiled.send("C1", #"{"page":"exit"}"#) == [#"left-out C1={"page":"exit","name":null}"#], "a deleted key no longer joins")
    }

    @Test func streamStreamJoinsMatchWithinTheWindowAndEmitNonMatchesWhenItCloses() throws {
        func pipeline(_ kind: String) -> String {
            """
              \(kind):
                from: a
                steps:
                  - join: { stream: b, kind: \(kind), window: { within: 10s }, store: \(kind)-join, value: 'concat(value.n, "+", other.n)' }
                  - to: \(kind)-out
            """
        }
        let compiled = try Compiled("""
            application-id: app
            sources:
              a: { topic: a, event-time: value.t }
              b: { topic: b, event-time: value.t }
            pipelines:
            \(pipeline("inner"))
            \(pipeline("left"))
            \(pipeline("outer"))
            """)
        #expect(compiled.send("k", #"{"n":"a1","t":0}"#, topic: "a") == [], "no match yet, and non-matches wait for the window to close")
        #expect(compiled.send("k", #"{"n":"b1","t":10000}"#, topic: "b") == [#"inner-out k="a1+b1""#, #"left-out k="a1+b1""#, #"outer-out k="a1+b1""#], "10 s apart: ends included")
        #expect(compiled.send("j", #"{"n":"b0","t":10000}"#, topic: "b") == [], "other keys do not join")
        #expect(compiled.send("k", #"{"n":"a2","t":30000}"#, topic: "a") == [#"outer-out j="+b0""#], "a1 and b1 matched: nothing more for them; b0's window closed unmatched")
        #expect(compiled.send("k", #"{"n":"b2","t":60000}"#, topic: "b") == [#"left-out k="a2+""#, #"outer-out k="a2+""#], "a2's window closed without a match")
        #expect(compiled.send("k", #"{"n":"a3","t":100000}"#, topic: "a") == [#"outer-out k="+b2""#], "outer joins also emit the right side's non-matches")
    }

    @Test func tableTableJoinsFollowEitherSidesUpdates() throws {
        func pipeline(_ kind: String) -> String {
            """
              \(kind):
                from: l
                steps:
                  - join: { table: r, kind: \(kind), value: 'concat(value, "+", other)' }
                  - to-stream: {}
                  - to: \(kind)-out
            """
        }
        let compiled = try Compiled("""
            application-id: app
            sources:
              l: { topic: l, table: ls }
              r: { topic: r, table: rs }
            pipelines:
            \(pipeline("inner"))
            \(pipeline("left"))
            \(pipeline("outer"))
            """)
        // Kafka Streams' KTableKTable{Inner,Left,Right,Outer}Join: an update whose other side the join
        // needs is absent emits nothing — an inner join before both sides exist, a left join's right side
        // while the left is absent.
        #expect(compiled.send("k", #""a""#, topic: "l") == [#"left-out k="a+""#, #"outer-out k="a+""#])
        #expect(compiled.send("k", #""x""#, topic: "r") == [#"inner-out k="a+x""#, #"left-out k="a+x""#, #"outer-out k="a+x""#])
        #expect(compiled.send("k", nil, topic: "l") == ["inner-out k=null", "left-out k=null", #"outer-out k="+x""#], "the left side deleted")
        #expect(compiled.send("k", nil, topic: "r") == ["outer-out k=null"], "only the outer join had a row left to delete")
    }

    @Test func aGlobalTableIsLookedUpByAnyKeyWithoutCoPartitioning() throws {
        let yaml = """
            application-id: app
            sources:
              orders: { topic: orders, partitions: 6 }
              products: { topic: products, global-table: products, partitions: 2 }
            pipelines:
              priced:
                from: orders
                steps:
                  - join: { table: products, kind: left, key: value.product_id, value: 'with(value, "price", other.price)' }
                  - to: priced-orders
            """
        let topology = try TopologyCompiler.compile(TopologyParser.parse(yaml: yaml, file: "t.yml"), logger: Logger(label: "test"))
        let temporary = TemporaryDirectory("global")
        let directory = temporary.path
        let driver = try TopologyTestDriver(topology: topology, stateDirectory: directory)
        defer { driver.close() }
        func send(_ topic: String, _ key: String, _ value: String?) -> [String] {
            driver.pipe(topic: topic, key: Array(key.utf8), value: value.map { Array($0.utf8) }, timestamp: 0).map { String(decoding: $0.value ?? [], as: UTF8.self) }
        }
        #expect(send("products", "P1", #"{"price":5}"#) == [], "a global table's updates emit nothing")
        #expect(send("orders", "O1", #"{"product_id":"P1"}"#) == [#"{"product_id":"P1","price":5}"#], "looked up by a field, not the record key")
        #expect(send("orders", "O2", #"{"product_id":"P9"}"#) == [#"{"product_id":"P9","price":null}"#])
        #expect(send("products", "P1", nil) == [])
        #expect(send("orders", "O3", #"{"product_id":"P1"}"#) == [#"{"product_id":"P1","price":null}"#], "a deleted key is gone")
        #expect(compileErrors(yaml.replacingOccurrences(of: "from: orders", with: "from: products")) == [
            "t.yml:7:11: 'products' is a global table: it can only be looked up ('join' with 'table: products'), not read as a stream",
        ])
    }

    @Test func aGlobalTableLooksUpSeveralKeysAtOnceAndFollowsWhatTheTopologyWritesToIt() throws {
        let yaml = """
            application-id: app
            sources:
              prices: { topic: price-updates }
              carts: { topic: carts }
              products: { topic: products, global-table: products }
            pipelines:
              publish:
                from: prices
                steps:
                  - to: products
              priced:
                from: carts
                steps:
                  - join:
                      table: products
                      keys: value.items
                      value: 'with(value, "total", length(other), "prices", map_values(other, item.price))'
                  - to: priced-carts
            """
        let topology = try TopologyCompiler.compile(TopologyParser.parse(yaml: yaml, file: "t.yml"), logger: Logger(label: "test"))
        let temporary = TemporaryDirectory("global")
        let directory = temporary.path
        let driver = try TopologyTestDriver(topology: topology, stateDirectory: directory)
        defer { driver.close() }
        func send(_ topic: String, _ key: String, _ value: String) -> [String] {
            driver.pipe(topic: topic, key: Array(key.utf8), value: Array(value.utf8), timestamp: 0)
                .filter { $0.topic == "priced-carts" }.map { String(decoding: $0.value ?? [], as: UTF8.self) }
        }
        #expect(send("carts", "C0", #"{"items":["P1"]}"#) == [], "an inner join drops a record none of whose keys is found")
        _ = send("price-updates", "P1", #"{"price":5}"#)
        _ = send("price-updates", "P2", #"{"price":7}"#)
        #expect(send("carts", "C1", #"{"items":["P2","P9","P1"]}"#) == [#"{"items":["P2","P9","P1"],"total":2,"prices":{"P2":7,"P1":5}}"#])
        #expect(compileErrors(yaml.replacingOccurrences(of: "keys: value.items", with: "keys: value.items\n          key: key")) == [
            "t.yml:16:11: a join looks up either one 'key' or several 'keys', not both",
        ])
    }

    @Test func wallClockTimersFireAsTimePassesWithoutRecords() throws {
        let yaml = """
            application-id: app
            sources:
              requests: { topic: payment-requests }
            pipelines:
              timeouts:
                from: requests
                steps:
                  - timer: { store: waiting, clock: wall-clock, after: 30s, start-when: value.status == "sent", cancel-when: value.status == "answered", value: { order: key, timed_out: true } }
                  - to: payment-timeouts
            """
        let topology = try TopologyCompiler.compile(TopologyParser.parse(yaml: yaml, file: "t.yml"), logger: Logger(label: "test"))
        let temporary = TemporaryDirectory("wall")
        let directory = temporary.path
        let driver = try TopologyTestDriver(topology: topology, stateDirectory: directory)
        defer { driver.close() }
        func send(_ key: String, _ status: String) -> Int {
            driver.pipe(topic: "payment-requests", key: Array(key.utf8), value: Array(#"{"status":"\#(status)"}"#.utf8), timestamp: 0).count
        }
        _ = driver.advanceWallClock(to: 1_000_000)
        #expect(send("O1", "sent") == 0 && send("O2", "sent") == 0)
        #expect(send("O2", "answered") == 0)
        #expect(driver.advanceWallClock(to: 1_029_999).isEmpty, "due at 1,030,000")
        let fired = driver.advanceWallClock(to: 1_030_000)
        #expect(fired.map { String(decoding: $0.value ?? [], as: UTF8.self) } == [#"{"order":"O1","timed_out":true}"#], "O2 was answered in time")
        #expect(driver.advanceWallClock(to: 2_000_000).isEmpty, "a timer fires once")
    }

    @Test func anEveryPipelineEmitsItsStoreOnTheWallClockEvenWithoutRecords() throws {
        let yaml = """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              latest:
                from: in
                steps:
                  - to-table: { store: latest }
              snapshot:
                every: 1m
                store: latest
                clock: wall-clock
                steps:
                  - map-values: "{v: value.v, at: timestamp}"
                  - to: snapshots
            """
        let topology = try TopologyCompiler.compile(TopologyParser.parse(yaml: yaml, file: "t.yml"), logger: Logger(label: "test"))
        let temporary = TemporaryDirectory("every")
        let directory = temporary.path
        let driver = try TopologyTestDriver(topology: topology, stateDirectory: directory)
        defer { driver.close() }
        func values(_ records: [ProducerRecord]) -> [String] {
            records.map { "\(String(decoding: $0.key ?? [], as: UTF8.self))=\(String(decoding: $0.value ?? [], as: UTF8.self))" }
        }
        #expect(driver.advanceWallClock(to: 90_000).isEmpty, "the first time seen starts the schedule at 60000")
        _ = driver.pipe(topic: "in", key: Array("a".utf8), value: Array(#"{"v":1}"#.utf8), timestamp: 0)
        _ = driver.pipe(topic: "in", key: Array("b".utf8), value: Array(#"{"v":2}"#.utf8), timestamp: 0)
        #expect(driver.advanceWallClock(to: 119_999).isEmpty)
        #expect(values(driver.advanceWallClock(to: 120_000)) == [#"a={"v":1,"at":120000}"#, #"b={"v":2,"at":120000}"#])
        _ = driver.pipe(topic: "in", key: Array("a".utf8), value: Array(#"{"v":3}"#.utf8), timestamp: 0)
        #expect(values(driver.advanceWallClock(to: 599_000)) == [#"a={"v":3,"at":540000}"#, #"b={"v":2,"at":540000}"#], "one punctuation for the minutes skipped, at the last")
        #expect(driver.advanceWallClock(to: 599_999).isEmpty)
    }

    @Test func everyPipelinesWrittenWronglyAreReportedWhereTheyAre() {
        #expect(parseErrors("""
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              both:
                from: in
                every: 1m
                store: s
                steps: [{ to: x }]
              neither:
                store: s
                steps: [{ to: x }]
              no-store:
                every: soon
                clock: sometimes
                steps: [{ to: x }]
            """) == [
            "t.yml:6:5: pipeline 'both' has both 'from' and 'every'; a pipeline reads streams or emits a store on a schedule",
            "t.yml:10:3: missing required field 'from' in pipeline 'neither'",
            "t.yml:11:5: 'store' belongs to a pipeline that runs 'every'; this one reads 'from'",
            "t.yml:13:3: missing required field 'store' in pipeline 'no-store'",
            "t.yml:14:12: expected a duration such as 500ms, 30s, 5m, 2h or 1d for 'every', got 'soon'",
            "t.yml:15:12: unknown clock 'sometimes'; expected one of: stream-time, wall-clock",
        ])
        #expect(compileErrors("""
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              counts:
                from: in
                steps:
                  - group-by-key: {}
                  - window: { tumbling: 1m }
                  - count: { store: per-minute }
                  - to: x
              windows:
                every: 1m
                store: per-minute
                steps: [{ to: y }]
              missing:
                every: 1m
                store: per-hour
                steps: [{ to: z }]
            """) == [
            "t.yml:14:12: 'every' emits the entries of a key-value store (an aggregation over all time, a table); 'per-minute' holds windows, timers or a join's records",
            "t.yml:18:12: no step of this topology keeps a store 'per-hour'; stores: per-minute",
        ])
    }

    @Test func joiningInputsThatAreNotCoPartitionedIsRefusedNamingBoth() {
        let yaml = """
            application-id: app
            sources:
              orders: { topic: order-events, partitions: 6 }
              customers: { topic: identifies, table: customers, partitions: 4 }
            pipelines:
              enriched:
                from: orders
                steps:
                  - join: { table: customers, value: other }
                  - to: out
              fixed:
                from: orders
                steps:
                  - repartition: { key: key, name: by-user, partitions: 4 }
                  - join: { table: customers, value: other }
                  - to: out2
            """
        #expect(compileErrors(yaml) == [
            "t.yml:9:24: the stream (topic 'order-events', 6 partitions) and table 'customers' (topic 'identifies', 4 partitions) are not co-partitioned, so a key's records and table value would meet in different tasks; re-key the stream with 'repartition' (partitions: 4) or give both topics the same partition count",
        ])
    }

    @Test func statefulStepsWrittenWronglyAreReportedWhereTheyAre() {
        let yaml = """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              a:
                from: in
                steps:
                  - count: { store: c1 }
                  - to: x
              b:
                from: in
                steps:
                  - group-by-key: {}
                  - count: { store: c2, emit: final }
                  - to: y
              c:
                from: in
                steps:
                  - group-by-key: {}
                  - window: { session: 5m }
                  - aggregate: { initial: 0, adder: aggregate + 1, store: c3 }
                  - to: z
            """
        #expect(compileErrors(yaml) == [
            "t.yml:8:9: 'count' needs grouped records: put 'group-by-key' or 'group-by' (and optionally 'window') right before it",
            "t.yml:14:25: 'emit: final' needs windows: a result is final when its window closes; add a 'window' step before 'count'",
            "t.yml:21:9: 'aggregate' over session windows needs a 'merger' (over 'aggregate' and 'other'): a record can join two sessions into one",
        ])
        #expect(parseErrors("""
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              a:
                from: in
                steps:
                  - group-by-key: {}
                  - window: { tumbling: 1m, hopping: 2m }
                  - window: { hopping: 1m, advance: 2m }
                  - window: { tumbling: 90x }
                  - window: { tumbling: 1m, grace: 1m, retention: 90s }
                  - count: { store: 'no spaces', emit: sometimes }
                  - window: { tumbling: 36501d }
                  - count: { store: .. }
            """) == [
            "t.yml:9:9: a window is exactly one of: tumbling, hopping, session, sliding; found hopping, tumbling",
            "t.yml:10:32: 'advance' must not be longer than the window (60000 ms), or records would fall between windows",
            "t.yml:11:29: expected a duration such as 500ms, 30s, 5m, 2h or 1d for 'tumbling', got '90x'",
            "t.yml:12:55: 'retention' must be at least the window's length plus its grace (120000 ms), or windows would vanish before they close",
            "t.yml:13:25: 'store' may only contain letters, digits, '.', '_' and '-', and may not be '.' or '..' (it names internal topics and directories)",
            "t.yml:13:44: unknown emit 'sometimes'; expected one of: updates, final",
            "t.yml:14:29: 'tumbling' must be at most 36500d (100 years), got '36501d'",
            "t.yml:15:25: 'store' may only contain letters, digits, '.', '_' and '-', and may not be '.' or '..' (it names internal topics and directories)",
        ])
    }

    @Test func timeToLiveAndDeduplicateAreCheckedWhereTheyAreWritten() {
        #expect(compileErrors("""
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              a:
                from: in
                steps:
                  - group-by-key: {}
                  - window: { tumbling: 1m }
                  - count: { store: c1, ttl: 1d }
                  - to: x
              b:
                from: in
                steps:
                  - to-table: { store: t }
                  - group-by: { key: value.k, value: value, repartition: r }
                  - count: { store: c2, ttl: 1d }
                  - to: y
            """) == [
            "t.yml:10:34: 'ttl' is for aggregations over all time; windows leave the store by their 'retention'",
            "t.yml:17:34: 'ttl' is for aggregations of a stream; a grouped table's rows leave their group when the table deletes them",
        ])
        #expect(parseErrors("""
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              a:
                from: in
                steps:
                  - deduplicate: { id: value.id }
                  - deduplicate: { id: value.id +, within: 0, store: s }
                  - group-by-key: {}
                  - count: { store: c, ttl: forever }
            """) == [
            "t.yml:8:9: missing required field 'within' in 'deduplicate'",
            "t.yml:8:9: missing required field 'store' in 'deduplicate'",
            "t.yml:9:38: expected an expression after '+'",
            "t.yml:9:48: expected a duration such as 500ms, 30s, 5m, 2h or 1d for 'within', got '0'",
            "t.yml:11:33: expected a duration such as 500ms, 30s, 5m, 2h or 1d for 'ttl', got 'forever'",
        ])
    }

    @Test func aRetractionNeedsEventTimeAndACancel() {
        #expect(parseErrors("""
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              a:
                from: in
                steps:
                  - timer: { store: s1, after: 1h, clock: wall-clock, start-when: true, cancel-when: false, value: value, retraction: value }
                  - to: x
              b:
                from: in
                steps:
                  - timer: { store: s2, after: 1h, start-when: true, value: value, retraction: value }
                  - to: y
            """) == [
            "t.yml:8:123: 'retraction' needs the stream-time clock: a wall-clock timer has no event time to be late against",
            "t.yml:13:84: 'retraction' needs 'cancel-when': it is what a cancel arriving after its timer fired sends",
        ])
    }

    private func compileErrors(_ yaml: String) -> [String] {
        do {
            _ = try TopologyCompiler.compile(TopologyParser.parse(yaml: yaml, file: "t.yml"), logger: Logger(label: "test"))
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }
}
