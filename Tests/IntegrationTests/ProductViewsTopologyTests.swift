import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import StreamCore
import Testing
import TributaryTestSupport

/// `runner run` on `topologies/examples/product-views.yml` against a dev broker: final per-minute counts
/// and the live store compared with an independent computation, across restarts, a lost state
/// directory and kill -9.
///
/// The input topic has one partition, so every repartition partition receives its records in input
/// order and the reference can compute each downstream task's stream time exactly.
@Suite("product-views.yml end to end", .serialized)
struct ProductViewsTopologyTests {
    static let topology = repositoryRoot + "/topologies/examples/product-views.yml"
    static let store = "product-views-1m"
    static let output = "product-views-per-minute"

    private func startBroker() throws -> TestDevBroker {
        try TestDevBroker(topics: ["customer-interactions:1"], topologies: [Self.topology])
    }

    /// Produces `events` in order to partition 0 of `customer-interactions`, all enqueued at once; also
    /// used by ``ExactlyOnceTests``.
    static func produce(_ events: ArraySlice<GeneratedView>, to bootstrapServers: String) async throws {
        let producer = try TestInputProducer(bootstrapServers: bootstrapServers)
        try producer.sendAll(events.map { ProducerRecord(topic: "customer-interactions", partition: 0, key: Array($0.user.utf8), value: Array($0.json.utf8)) })
        try producer.close()
    }

    /// A runner with the default limit on event times ahead of the clock (a week).
    private func runner(_ broker: TestDevBroker, state: TemporaryDirectory, port: Int, threads: Int = 1) throws -> TestRunnerProcess {
        try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
            "--state-dir", state.path, "--http-port", String(port), "--commit-interval-ms", "200", "--max-event-time-skew-hours", "168",
            "--threads", String(threads),
        ])
    }

    /// Final results read so far, de-duplicated by `tributary.id` (at-least-once output may repeat a
    /// result; the id says it is the same one), as `product|start|end|count`; also used by
    /// ``BrokerOutageTests``.
    static func finalResults(_ broker: TestDevBroker, expecting reference: ProductViewsReference, timeout: Duration = .seconds(90)) async throws -> (results: [String: String], repeatsWithOtherContent: [String]) {
        let records = try await TopicReader.read([Self.output], bootstrapServers: broker.bootstrapServers, timeout: timeout) { read in
            Set(read[Self.output, default: []].map(Self.id)).count >= reference.finalResults.count
        }
        var results: [String: String] = [:]
        var conflicting: [String] = []
        for record in records[Self.output, default: []] {
            let result = Self.describe(record)
            if let earlier = results[Self.id(record)], earlier != result { conflicting.append("\(earlier) then \(result)") }
            results[Self.id(record)] = result
        }
        return (results, conflicting)
    }

    /// Polls the store over HTTP until it holds `expected` (product|start|end|count) or time runs out.
    static func storeContents(port: Int, expected: Set<String>) async throws -> Set<String> {
        var contents: Set<String> = []
        for _ in 0..<100 {
            let url = URL(string: "http://127.0.0.1:\(port)/stores/\(Self.store)/range?limit=100000")!
            if let (body, _) = try? await URLSession.shared.data(from: url),
               let windows = try? JSONSerialization.jsonObject(with: body) as? [[String: Any]] {
                contents = Set(windows.map { "\($0["key"]!)|\($0["window_start"]!)|\($0["window_end"]!)|\($0["value"]!)" })
                if contents == expected { break }
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        return contents
    }

    @Test func finalCountsAndTheStoreMatchAnIndependentComputation() async throws {
        let events = GeneratedView.events(count: 3000, seed: 5)
        let reference = ProductViewsReference(events, partitions: 4)
        #expect(reference.late > 20 && reference.finalResults.count > 200, "the input exercises late records and many windows")
        let broker = try startBroker()
        try await Self.produce(events[...], to: broker.bootstrapServers)
        let state = TemporaryDirectory("tributary-state")
        let port = TestPorts.next()
        let runner = try runner(broker, state: state, port: port)

        let (results, conflicting) = try await Self.finalResults(broker, expecting: reference)
        #expect(conflicting.isEmpty, "a result id repeated with other content: \(conflicting.prefix(3))")
        #expect(Set(results.values) == reference.finalResults, "missing: \(reference.finalResults.subtracting(results.values).sorted().prefix(5)); unexpected: \(Set(results.values).subtracting(reference.finalResults).sorted().prefix(5))")
        let stored = try await Self.storeContents(port: port, expected: reference.storeContents)
        #expect(stored == reference.storeContents, "missing: \(reference.storeContents.subtracting(stored).sorted().prefix(5)); unexpected: \(stored.subtracting(reference.storeContents).sorted().prefix(5))")

        let (metrics, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let metricsText = String(decoding: metrics, as: UTF8.self)
        let late = metricsText.split(separator: "\n")
            .filter { $0.hasPrefix("tributary_late_records_total{") }.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
        #expect(late == reference.late, "late records are counted, not included")
        for name in ["tributary_consumer_lag{", "tributary_store_entries{", "tributary_commit_seconds", "tributary_node_records_total{", "tributary_buffered_bytes{"] {
            #expect(metricsText.contains(name), "metrics export \(name)")
        }
        try await checkQueryAnswers(port: port, reference: reference)
        #expect(runner.stop() == 0)
    }

    /// With two stream threads, the kills also meet tasks spread over both, and the restarts assign
    /// them to the threads anew.
    @Test(arguments: [1, 2]) func killRestartAndALostStateDirectoryKeepCountsExact(threads: Int) async throws {
        let events = GeneratedView.events(count: 3000, seed: 9)
        let reference = ProductViewsReference(events, partitions: 4)
        let broker = try startBroker()
        let state = TemporaryDirectory("tributary-state")

        // kill -9 mid-stream: both sub-topologies (upstream and downstream of the repartition topic) are
        // busy; outputs, repartition records and changelog records after the last commit are repeated.
        try await Self.produce(events[..<1500], to: broker.bootstrapServers)
        let first = try runner(broker, state: state, port: TestPorts.next(), threads: threads)
        _ = try await TopicReader.read([Self.output], bootstrapServers: broker.bootstrapServers, timeout: .seconds(60)) { $0[Self.output, default: []].count >= 50 }
        first.stop(signal: SIGKILL)

        // Restart on the same state, then stop cleanly mid-way through the second half.
        try await Self.produce(events[1500..<2200], to: broker.bootstrapServers)
        let second = try runner(broker, state: state, port: TestPorts.next(), threads: threads)
        _ = try await TopicReader.read([Self.output], bootstrapServers: broker.bootstrapServers, timeout: .seconds(90)) { read in
            Set(read[Self.output, default: []].map(Self.id)).count >= reference.finalResults.count / 2
        }
        #expect(second.stop() == 0)

        // The state directory is lost: the stores are rebuilt from their changelogs.
        try FileManager.default.removeItem(atPath: state.path)
        try await Self.produce(events[2200...], to: broker.bootstrapServers)
        let port = TestPorts.next()
        let third = try runner(broker, state: state, port: port, threads: threads)
        let (results, conflicting) = try await Self.finalResults(broker, expecting: reference, timeout: .seconds(120))
        #expect(conflicting.isEmpty, "a result id repeated with other content: \(conflicting.prefix(3))")
        #expect(Set(results.values) == reference.finalResults, "missing: \(reference.finalResults.subtracting(results.values).sorted().prefix(5)); unexpected: \(Set(results.values).subtracting(reference.finalResults).sorted().prefix(5))")
        let stored = try await Self.storeContents(port: port, expected: reference.storeContents)
        #expect(stored == reference.storeContents, "missing: \(reference.storeContents.subtracting(stored).sorted().prefix(5)); unexpected: \(stored.subtracting(reference.storeContents).sorted().prefix(5))")
        #expect(third.stop() == 0)
    }

    /// Records that once stopped or poisoned processing, produced amid ordinary traffic: each is
    /// dead-lettered with its reason, the runner keeps running, and every other view counts exactly as
    /// without them.
    @Test func hostileRecordsAmidTrafficAreDeadLetteredAndEveryOtherViewCounts() async throws {
        let events = GeneratedView.events(count: 2000, seed: 13)
        let reference = ProductViewsReference(events, partitions: 4)
        let hostile = GeneratedView.hostile(hugeValueTime: events[1699].time)
        var traffic = events[...].map { $0 }
        for (index, record) in hostile.enumerated() { traffic.insert(record.view, at: 200 + index * 300) }

        let broker = try startBroker()
        try await Self.produce(traffic[...], to: broker.bootstrapServers)
        let port = TestPorts.next()
        let runner = try runner(broker, state: TemporaryDirectory("tributary-state"), port: port)
        let (results, conflicting) = try await Self.finalResults(broker, expecting: reference)
        #expect(conflicting.isEmpty)
        #expect(Set(results.values) == reference.finalResults, "missing: \(reference.finalResults.subtracting(results.values).sorted().prefix(5)); unexpected: \(Set(results.values).subtracting(reference.finalResults).sorted().prefix(5))")

        let letters = try await TopicReader.read(["product-views-dlq"], bootstrapServers: broker.bootstrapServers, linger: .seconds(2)) {
            $0["product-views-dlq", default: []].count >= hostile.count
        }["product-views-dlq", default: []].compactMap(DeadLetterRecord.init)
        for record in hostile {
            let letter = letters.first { String(decoding: $0.key ?? [], as: UTF8.self) == record.view.user }
            #expect(letter?.kind == record.kind && letter?.reason.contains(record.reason) == true, "\(record.view.user): \(letter.map { "\($0.kind): \($0.reason)" } ?? "no dead letter")")
        }
        #expect(letters.count == hostile.count, "only the hostile records are dead-lettered: \(letters.map { "\($0.kind): \($0.reason.prefix(120))" })")
        #expect(runner.waitForExit(timeout: .zero) == nil, "the runner kept running")
        #expect(runner.stop() == 0)
    }

    /// The query endpoints' shapes and errors: window fetches by ISO or epoch bounds, 404 and 400 with
    /// a JSON error naming what was wrong.
    private func checkQueryAnswers(port: Int, reference: ProductViewsReference) async throws {
        func get(_ path: String) async throws -> (status: Int, json: Any?) {
            let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? JSONSerialization.jsonObject(with: body))
        }
        let stores = try await get("/stores")
        let listed = (stores.json as? [[String: Any]])?.first
        #expect(stores.status == 200 && listed?["name"] as? String == Self.store && listed?["kind"] as? String == "window")
        #expect((listed?["tasks"] as? [String])?.sorted() == ["1_0", "1_1", "1_2", "1_3"], "one task per repartition partition")

        // The windows of one product starting in [10:05, 10:10], asked with an ISO and an epoch bound.
        let product = reference.storeContents.first!.split(separator: "|")[0]
        let from = "2026-11-27T10:05:00.000Z", to = 1_795_773_600_000 + 10 * 60_000
        let windows = try await get("/stores/\(Self.store)/windows/\(product)?from=\(from)&to=\(to)")
        let answered = (windows.json as? [[String: Any]] ?? []).map { "\($0["key"]!)|\($0["window_start"]!)|\($0["window_end"]!)|\($0["value"]!)" }
        let expected = reference.storeContents.filter { entry in
            let fields = entry.split(separator: "|")
            return fields[0] == product && String(fields[1]) >= from && String(fields[1]) <= "2026-11-27T10:10:00.000Z"
        }.sorted()
        #expect(windows.status == 200 && answered == expected, "ordered by start")

        let unknownStore = try await get("/stores/no-such-store/windows/P1")
        #expect(unknownStore.status == 404 && ((unknownStore.json as? [String: Any])?["error"] as? String)?.contains("no-such-store") == true)
        let badTime = try await get("/stores/\(Self.store)/windows/P1?from=yesterday")
        #expect(badTime.status == 400 && ((badTime.json as? [String: Any])?["error"] as? String)?.contains("'from'") == true)
        let badLimit = try await get("/stores/\(Self.store)/range?limit=-3")
        #expect(badLimit.status == 400 && ((badLimit.json as? [String: Any])?["error"] as? String)?.contains("'limit'") == true)
        let metadata = try await get("/metadata")
        let partitions = ((metadata.json as? [String: Any])?["applications"] as? [[String: Any]])?.first?["partitions"] as? [String]
        #expect(partitions?.contains("customer-interactions-0") == true && partitions?.count == 5)
    }

    static func id(_ record: ConsumerRecord) -> String {
        record.headers.last { $0.name == "tributary.id" }?.value.map { String(decoding: $0, as: UTF8.self) } ?? "no id"
    }

    /// `product|window_start|window_end|count` of an output record.
    static func describe(_ record: ConsumerRecord) -> String {
        guard let value = record.value, let object = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any] else { return "not JSON" }
        return "\(object["product_id"] ?? "-")|\(object["window_start"] ?? "-")|\(object["window_end"] ?? "-")|\(object["count"] ?? "-")"
    }
}

/// One generated interaction, in production order.
struct GeneratedView {
    let user: String
    let event: String
    let product: String?
    /// Event time, epoch milliseconds.
    let time: Int64
    let json: String

    /// `count` events over 30 minutes from 2026-11-27T10:00:00.000Z: about 70% `Product Viewed` of 30
    /// products, about 3% out of order by up to 5 s, and in the last 5 minutes 1 in 15 arriving 20 to 25
    /// minutes late.
    static func events(count: Int, seed: UInt64) -> [GeneratedView] {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let start: Int64 = 1_795_773_600_000
        let step = 30 * 60 * 1000 / Int64(count)
        var clock = start
        return (0..<count).map { index in
            clock += Int64(next(Int(step) * 2 + 1))
            var time = clock
            if next(100) < 3 { time -= Int64(1 + next(5000)) }
            if index % 15 == 14, clock - start > 25 * 60 * 1000 { time -= Int64(20 * 60 * 1000 + next(5 * 60 * 1000)) }
            let user = "C\(next(200))"
            let isView = next(10) < 7
            let product = isView || next(2) == 0 ? "P\(1 + next(30))" : nil
            let event = isView ? "Product Viewed" : ["Product Added", "Cart Viewed", "Products Searched"][next(3)]
            let properties = product.map { #"{"product_id":"\#($0)","price":19.99}"# } ?? "{}"
            let json = #"{"type":"track","event":"\#(event)","userId":"\#(user)","timestamp":"\#(iso(time))","properties":\#(properties)}"#
            return GeneratedView(user: user, event: event, product: product, time: time, json: json)
        }
    }

    static func iso(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}

/// What product-views.yml must compute, by Kafka Streams' rules, written without StreamCore: views
/// re-keyed by product to partition murmur2(product) of 4; per partition, stream time is the largest
/// event time seen so far; one-minute tumbling windows `[start, start + 60 s)`; a record is late when
/// its window's end + 2 min grace <= stream time; a window's final count is out once end + grace <=
/// its partition's stream time.
struct ProductViewsReference {
    /// `product|start|end|count` of every window still open or closed (the store).
    private(set) var storeContents: Set<String> = []
    /// The same, for closed windows only (the output topic).
    private(set) var finalResults: Set<String> = []
    private(set) var late = 0

    init(_ events: [GeneratedView], partitions: Int) {
        let size: Int64 = 60_000
        let grace: Int64 = 120_000
        var streamTime: [Int32: Int64] = [:]
        var counts: [String: [Int64: Int]] = [:]
        for event in events where event.event == "Product Viewed" {
            guard let product = event.product else { continue }
            let partition = JavaMurmur2.partition(forKey: Array(product.utf8), partitions: partitions)
            let now = max(streamTime[partition] ?? event.time, event.time)
            streamTime[partition] = now
            let start = event.time - event.time % size
            if start + size + grace <= now {
                late += 1
                continue
            }
            counts[product, default: [:]][start, default: 0] += 1
        }
        for (product, windows) in counts {
            let closedBefore = streamTime[JavaMurmur2.partition(forKey: Array(product.utf8), partitions: partitions)]! - grace
            for (start, count) in windows {
                let entry = "\(product)|\(GeneratedView.iso(start))|\(GeneratedView.iso(start + size))|\(count)"
                storeContents.insert(entry)
                if start + size <= closedBefore { finalResults.insert(entry) }
            }
        }
    }
}
