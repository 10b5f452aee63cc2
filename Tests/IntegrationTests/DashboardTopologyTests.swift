import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// topologies/dashboard.yml run by `runner run` on a dev broker over generated interactions, orders and
/// support outcomes, sent as a backlog one topic after another: every window in its stores, and every
/// window's latest record on its topics, equals a computation made here from the same input (distinct shoppers exact, revenue to the cent, top
/// products equal up to ties); then headless Chromium opens `/dashboard`, waits for its live figures,
/// checks they are the stores' newest, and saves the screenshot docs/dashboard.png.
@Suite("dashboard.yml end to end")
struct DashboardTopologyTests {
    static let topology = repositoryRoot + "/topologies/dashboard.yml"
    static let start: Int64 = 1_795_773_600_000  // 2026-11-27T10:00:00Z
    static let minute: Int64 = 60_000

    /// The generated input and, computed from it directly, what each store must hold per window start.
    struct Input {
        var interactions: [(key: String, value: String, timestamp: Int64)] = []
        var orders: [(key: String, value: String, timestamp: Int64)] = []
        var answers: [(key: String, value: String, timestamp: Int64)] = []
        var escalations: [(key: String, value: String, timestamp: Int64)] = []

        var shoppersPerMinute: [Int64: Set<String>] = [:]
        var shoppersPerFiveMinutes: [Int64: Set<String>] = [:]  // hopping every minute
        var ordersPerMinute: [Int64: (count: Int, cents: Int)] = [:]
        var viewsPerFiveMinutes: [Int64: [String: Int]] = [:]
        var supportPerFiveMinutes: [Int64: (automated: Int, escalated: Int)] = [:]

        init(seed: UInt64) {
            var random = SeededRandom(seed: seed)
            let span: Int64 = 20 * DashboardTopologyTests.minute
            for index in 0..<3_000 {
                // Times rise through the span with up to 20 s of disorder.
                let disorder = Int64.random(in: 0...20_000, using: &random)
                let time: Int64 = max(start, start + Int64(index) * span / 3_000 - disorder)
                let known = Int.random(in: 0..<10, using: &random) < 7
                let shopper = known ? "C\(Int.random(in: 0..<300, using: &random))" : "A\(Int.random(in: 0..<200, using: &random))"
                let identity = known ? #""userId":"\#(shopper)""# : #""anonymousId":"\#(shopper)""#
                let pick = Double.random(in: 0..<1, using: &random)
                let product = "P\(Int(pick * pick * 50))"
                let event = ["Product Viewed", "Product Viewed", "Product Viewed", "Product Added", "Page Viewed"].randomElement(using: &random)!
                interactions.append((shopper, #"{"type":"track","event":"\#(event)",\#(identity),"timestamp":"\#(EventTimestamp.formatISO8601(time))","properties":{"product_id":"\#(product)"}}"#, time))
                let minuteStart: Int64 = time - time % DashboardTopologyTests.minute
                shoppersPerMinute[minuteStart, default: []].insert(shopper)
                for windowStart in stride(from: minuteStart - 4 * DashboardTopologyTests.minute, through: minuteStart, by: Int(DashboardTopologyTests.minute)) {
                    shoppersPerFiveMinutes[windowStart, default: []].insert(shopper)
                }
                if event == "Product Viewed" { viewsPerFiveMinutes[time - time % (5 * DashboardTopologyTests.minute), default: [:]][product, default: 0] += 1 }
            }
            for index in 0..<150 {
                let time = start + Int64(index) * span / 150 + Int64.random(in: 0...5_000, using: &random)
                let cents = Int.random(in: 500...25_000, using: &random)
                let total = "\(cents / 100).\(String(format: "%02d", cents % 100))"
                orders.append(("O-\(index)", #"{"type":"track","event":"Order Completed","userId":"C\#(index)","timestamp":"\#(EventTimestamp.formatISO8601(time))","properties":{"order_id":"O-\#(index)","total":\#(total),"currency":"EUR"}}"#, time))
                let minuteStart: Int64 = time - time % DashboardTopologyTests.minute
                ordersPerMinute[minuteStart, default: (0, 0)].count += 1
                ordersPerMinute[minuteStart]!.cents += cents
            }
            for index in 0..<80 {
                let time = start + Int64(index) * span / 80
                let automated = Int.random(in: 0..<10, using: &random) < 7
                let record = (key: "C\(index)", value: #"{"inquiry_id":"I-\#(index)","userId":"C\#(index)","intent":"order_tracking"\#(automated ? #","automated":true"# : "")}"#, timestamp: time)
                if automated { answers.append(record) } else { escalations.append(record) }
                let windowStart: Int64 = time - time % (5 * DashboardTopologyTests.minute)
                supportPerFiveMinutes[windowStart, default: (0, 0)].automated += automated ? 1 : 0
                supportPerFiveMinutes[windowStart, default: (0, 0)].escalated += automated ? 0 : 1
            }
        }
    }

    @Test func storesTopicsAndTheLivePageEqualAnIndependentComputation() async throws {
        let input = Input(seed: 42)
        let broker = try TestDevBroker(topologies: [Self.topology])
        // Two instances of the application: each window's figure lives in whichever holds its key, and
        // either draws the whole page.
        let ports = [TestPorts.next(), TestPorts.next()]
        let states = ports.map { _ in TemporaryDirectory("tributary-dashboard") }
        let runners = try zip(ports, states).map { port, state in
            try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--http-port", String(port), "--state-dir", state.path])
        }
        // Input starts once the group has formed over every partition the application reads (4 sources
        // and 6 repartition topics of 4 partitions).
        try await waitForGroup(ports: ports, partitions: 40)
        // The whole traffic as a backlog, one topic after another: the orders and support outcomes reach
        // the runner after every interaction, and its partitions run as far apart as they like. The
        // figures are global, yet none may be lost as late (issue 19: at 200× real time the windowed
        // dashboard came out short in eight windows).
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        let streams = [("customer-interactions", input.interactions), ("order-events", input.orders), ("support-responses", input.answers), ("support-escalations", input.escalations)]
        for (topic, records) in streams {
            try producer.sendAll(records.map { ProducerRecord(topic: topic, key: Array($0.key.utf8), value: Array($0.value.utf8), timestamp: $0.timestamp) })
        }
        try producer.close()

        // The stores, asked of each instance: every window, as soon as everything is processed.
        for port in ports {
            var mismatches: [String] = []
            for _ in 0..<120 {
                mismatches = try await Self.storeMismatches(port: port, input: input)
                if mismatches.isEmpty { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(mismatches.isEmpty, "instance on port \(port): \(mismatches.count) windows differ: \(mismatches.prefix(8))")
        }
        // Both instances draw the same figures.
        let figures = [try JSONValue(parsing: try await httpGet(port: ports[0], "/dashboard/figures")), try JSONValue(parsing: try await httpGet(port: ports[1], "/dashboard/figures"))]
        #expect(figures[0] == figures[1], "the instances' figures differ")

        // The topic: each minute's latest record carries its figures (updates keyed by window start).
        let expected = Dictionary(uniqueKeysWithValues: input.ordersPerMinute.map { (EventTimestamp.formatISO8601($0.key), "\($0.value.count)|\($0.value.cents)") })
        @Sendable func latest(_ records: [ConsumerRecord]) throws -> [String: String] {
            var latest: [String: String] = [:]
            for record in records {
                let value = try JSONValue(parsing: String(decoding: record.value ?? [], as: UTF8.self))
                #expect(String(decoding: record.key ?? [], as: UTF8.self) == value["window_start"]?.stringValue, "keyed by window start")
                latest[value["window_start"]?.stringValue ?? "?"] = "\(value["orders"]?.int64Value ?? -1)|\(Self.cents(value["revenue"]))"
            }
            return latest
        }
        let read = try await TopicReader.read(["dashboard-orders-per-minute"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(30), linger: .seconds(2)) {
            (try? latest($0["dashboard-orders-per-minute", default: []])) == expected
        }
        #expect(try latest(read["dashboard-orders-per-minute", default: []]) == expected)

        // The live page, in headless Chromium: it shows the stores' newest figures.
        let port = ports[1]
        let page = try Self.chromium(["--dump-dom", "http://127.0.0.1:\(port)/dashboard"])
        let panels = Self.panels(in: page)
        #expect(panels.count == 7, "seven panels with live figures: \(panels)")
        let newestMinute = input.ordersPerMinute.keys.max()!
        #expect(panels["Active shoppers per minute"] == String(input.shoppersPerMinute[input.shoppersPerMinute.keys.max()!]!.count))
        #expect(panels["Active shoppers in the last 5 minutes"] == String(input.shoppersPerFiveMinutes[input.shoppersPerFiveMinutes.keys.max()!]!.count))
        #expect(panels["Orders per minute"] == String(input.ordersPerMinute[newestMinute]!.count))
        #expect(panels["Revenue per minute (EUR)"].flatMap { Double($0) }.map { Int(($0 * 100).rounded()) } == input.ordersPerMinute[newestMinute]!.cents)
        let newestSupport = input.supportPerFiveMinutes[input.supportPerFiveMinutes.keys.max()!]!
        #expect(panels["Inquiries answered automatically (5 minutes)"] == String(newestSupport.automated))
        #expect(panels["Inquiries escalated to people (5 minutes)"] == String(newestSupport.escalated))
        // The ranked list: the ten largest counts of the newest window, each name with its own count.
        let views = input.viewsPerFiveMinutes[input.viewsPerFiveMinutes.keys.max()!]!
        let listed = Self.rankedEntries(in: page)
        #expect(listed.map(\.count) == Array(views.values.sorted(by: >).prefix(10)))
        #expect(listed.allSatisfy { views[$0.name] == $0.count }, "\(listed)")

        _ = try Self.chromium(["--window-size=1280,1000", "--screenshot=\(repositoryRoot)/docs/dashboard.png", "http://127.0.0.1:\(port)/dashboard"])
        #expect(FileManager.default.fileExists(atPath: repositoryRoot + "/docs/dashboard.png"))
        for runner in runners { #expect(runner.stop() == 0) }
    }

    /// Every window of every store that differs from the reference, described.
    static func storeMismatches(port: Int, input: Input) async throws -> [String] {
        // Each store is keyed by window start.
        func windows(_ store: String) async throws -> [Int64: JSONValue] {
            guard case .array(let entries) = try JSONValue(parsing: try await httpGet(port: port, "/stores/\(store)/range")) else { return [:] }
            return Dictionary(entries.compactMap { entry in
                EventTimestamp.parseISO8601(entry["key"]?.stringValue ?? "").map { ($0, entry["value"] ?? .null) }
            }, uniquingKeysWith: { first, _ in first })
        }
        var mismatches: [String] = []
        func compare<T: Equatable>(_ store: String, _ stored: [Int64: JSONValue], _ expected: [Int64: T], _ figure: (JSONValue) -> T?) {
            for start in Set(stored.keys).union(expected.keys).sorted() where stored[start].flatMap(figure) != expected[start] {
                mismatches.append("\(store) \(EventTimestamp.formatISO8601(start)): \(String(describing: stored[start].flatMap(figure))) != \(String(describing: expected[start]))")
            }
        }
        compare("active-users-1m", try await windows("active-users-1m"), input.shoppersPerMinute.mapValues(\.count)) { $0.int64Value.map(Int.init) }
        compare("active-users-5m", try await windows("active-users-5m"), input.shoppersPerFiveMinutes.mapValues(\.count)) { $0.int64Value.map(Int.init) }
        compare("orders-per-minute", try await windows("orders-per-minute"), input.ordersPerMinute.mapValues { "\($0.count)|\($0.cents)" }) {
            "\($0["orders"]?.int64Value ?? -1)|\(cents($0["revenue"]))"
        }
        // The store keeps each window's 10 most viewed products, ties by name (`top_entries`).
        let topViews = input.viewsPerFiveMinutes.mapValues { views in
            Dictionary(uniqueKeysWithValues: views.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(10).map { ($0.key, $0.value) })
        }
        compare("product-views-5m", try await windows("product-views-5m"), topViews) { value in
            value["views"]?.objectValue.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, Int($0.value.int64Value ?? -1)) }) }
        }
        compare("support-5m", try await windows("support-5m"), input.supportPerFiveMinutes.mapValues { "\($0.automated)|\($0.escalated)" }) {
            "\($0["automated"]?.int64Value ?? -1)|\($0["escalated"]?.int64Value ?? -1)"
        }
        return mismatches
    }

    /// An amount in whole cents (revenue is kept to the cent).
    static func cents(_ amount: JSONValue?) -> Int {
        amount?.doubleValue.map { Int(($0 * 100).rounded()) } ?? -1
    }

    /// Runs headless Chromium with `arguments` after the common flags; returns what it printed.
    static func chromium(_ arguments: [String]) throws -> String {
        let path = "/usr/bin/chromium"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("chromium is not installed (scripts/install-dependencies.sh installs it)")
        }
        // The budget lets the page fetch its figures and draw them before the DOM or picture is taken.
        let browser = try ChildProcess(path, ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=8000"] + arguments)
        let output = browser.standardOutput.fileHandleForReading.readDataToEndOfFile()
        browser.stop()
        return String(decoding: output, as: UTF8.self)
    }

    /// Each drawn panel's title and newest figure (`data-latest`), from the page's DOM.
    static func panels(in page: String) -> [String: String] {
        let pattern = /data-title="([^"]*)" data-latest="([^"]*)"/
        return Dictionary(page.matches(of: pattern).map { (String($0.1), String($0.2)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The ranked list's rows, in order.
    static func rankedEntries(in page: String) -> [(name: String, count: Int)] {
        page.matches(of: /<li data-name="([^"]*)" data-value="([0-9]+)">/).map { (String($0.1), Int($0.2)!) }
    }
}
