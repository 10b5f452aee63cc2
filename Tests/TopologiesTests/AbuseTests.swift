import Foundation
import Logging
import StreamCore
import Testing
import Topologies
import TributaryTestSupport

/// Hostile input in its fast form, for CI: mutated topology files, random expressions and random
/// records. Nothing may crash, hang or pass a mutation silently; every failure must be a diagnostic or
/// a dead letter. `TRIBUTARY_ABUSE_ITERATIONS` scales every loop (`scripts/accept/abuse.sh` runs it
/// with many more). Each case is seeded, so a failure repeats.
@Suite("Abuse (fast form)")
struct AbuseTests {
    static let iterations = ProcessInfo.processInfo.environment["TRIBUTARY_ABUSE_ITERATIONS"].flatMap(Int.init) ?? 60

    static let topologyFiles: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return ["topologies", "topologies/examples"].flatMap { folder -> [String] in
            let directory = root.appendingPathComponent(folder).path
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return names.filter { $0.hasSuffix(".yml") && !$0.hasSuffix(".test.yml") }.sorted().map { "\(directory)/\($0)" }
        }
    }()

    /// Fragments a mutation inserts: YAML's special characters, aliases, deep nesting, huge numbers,
    /// expression syntax cut short, control characters.
    static let fragments = [
        "&a ", "*a", "*missing", "<<: *a", "[", "]", "{", "}", "'", "\"", "|", ">", "- ", ": ", "#", "\t", "\u{0}", "\u{FEFF}", "%YAML 1.1",
        "---", "...", "!!binary", "!tag", "9223372036854775808", "1e400", "-0", ".nan", "~", "(((((((((((", "not not not", "value..x",
        "value[", "concat(", "if(,,)", "36500d", "0ms", "99999999999999d", "\\u0000", "\u{10FFFF}", String(repeating: "[", count: 300),
    ]

    @Test func mutatedTopologyFilesAreDiagnosedNeverCrash() throws {
        var random = SeededRandom(seed: 2026)
        var parsed = 0
        for file in Self.topologyFiles {
            let original = try String(contentsOfFile: file, encoding: .utf8)
            // Compiling trains support-routing's classifiers, seconds each time (a file with problems is
            // compiled too, for its structural ones): it gets a thirtieth of the mutations.
            let compiles = !original.contains("classify:")
            for _ in 0..<(compiles ? Self.iterations : max(1, Self.iterations / 30)) {
                let mutated = Self.mutate(original, &random)
                do {
                    let definition = try TopologyParser.parse(yaml: mutated, file: file)
                    if compiles { _ = try TopologyCompiler.compile(definition, logger: Logger(label: "abuse", factory: { _ in SwiftLogNoOpLogHandler() })) }
                    parsed += 1
                } catch {
                    #expect(!error.diagnostics.isEmpty, "a refused file says why")
                    #expect(error.diagnostics.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 }, "\(error.diagnostics.prefix(2))")
                }
            }
        }
        #expect(parsed > 0, "some mutations leave a valid file (a changed comment, say)")
    }

    @Test func randomExpressionsAreRefusedOrEvaluatedNeverCrash() {
        let vocabulary = [
            "value", "key", "headers", "timestamp", ".", "[", "]", "(", ")", "{", "}", ",", ":", "+", "-", "*", "/", "%", "==", "!=", "<", ">=",
            "and", "or", "not", "!", "&&", "null", "true", "1", "0", "-1", "1.5", "9223372036854775807", "1e308", "'text'", "\"x\"", "event",
            "properties", "products", "price", "lower", "concat", "length", "if", "coalesce", "sort_by", "reduce", "map", "filter", "slice",
            "iso_time", "epoch_ms", "round", "min", "sum", "item", "acc", "index", "with", "merge", "to_number",
        ]
        var random = SeededRandom(seed: 7)
        let roots = ["key", "value", "headers", "timestamp"]
        let scope = ExpressionScope(roots: roots, values: [
            "C1", ["event": "Product Viewed", "properties": ["price": 9.99, "products": [["price": 1], ["price": nil]]]], ["a": "b"], 1_795_780_800_000,
        ])
        var evaluated = 0
        for _ in 0..<(Self.iterations * 50) {
            let source = (0..<Int.random(in: 1...25, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }.joined(separator: " ")
            guard let expression = try? ExpressionParser.parse(source, roots: roots) else { continue }
            _ = try? expression.evaluate(in: scope)
            evaluated += 1
        }
        #expect(evaluated > 0)
    }

    @Test func hostileRecordsBecomeDeadLettersAndTheStreamGoesOn() throws {
        let file = Self.topologyFiles.first { $0.hasSuffix("examples/product-views.yml") }!
        let topology = try TopologyCompiler.compile(TopologyParser.parse(fileAt: file), logger: Logger(label: "abuse"))
        let temporary = TemporaryDirectory("abuse")
        let directory = temporary.path
        let driver = try TopologyTestDriver(topology: topology, stateDirectory: directory, partitions: 2)
        defer { driver.close() }
        // As under `runner run`: a week's skew on a clock at 2026-11-27T17:20Z.
        driver.maximumEventTimeSkew = 7 * 86_400_000
        _ = driver.advanceWallClock(to: 1_795_800_000_000)
        var random = SeededRandom(seed: 11)
        for index in 0..<(Self.iterations * 20) {
            let value = Self.hostileValue(&random)
            let written = driver.pipe(topic: "customer-interactions", key: Array("C\(index % 7)".utf8), value: value, timestamp: Int64.random(in: -5...5, using: &random))
            #expect(written.allSatisfy { $0.topic == "product-views-per-minute" || $0.topic == topology.deadLetterTopic })
        }
        // After all that, views still count: two in one minute, then one far later closes that window.
        let view = { (minute: Int) in Array(#"{"event":"Product Viewed","timestamp":"2026-11-27T1\#(minute):00:10.000Z","properties":{"product_id":"P-sane"}}"#.utf8) }
        _ = driver.pipe(topic: "customer-interactions", key: Array("sane".utf8), value: view(0), timestamp: 0)
        _ = driver.pipe(topic: "customer-interactions", key: Array("sane".utf8), value: view(0), timestamp: 0)
        let closing = driver.pipe(topic: "customer-interactions", key: Array("sane".utf8), value: view(5), timestamp: 0)
        let counts = closing.filter { $0.topic == "product-views-per-minute" && $0.key == Array("P-sane".utf8) }
            .compactMap { try? JSONParser.parse($0.value ?? []) }.compactMap { $0["count"]?.int64Value }
        #expect(counts.contains(2), "the sane views were counted: \(counts)")
    }

    /// A copy of `text` with one of: a line removed, duplicated or swapped with another; a fragment
    /// inserted at a random place; the text cut short.
    static func mutate(_ text: String, _ random: inout SeededRandom) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let line = Int.random(in: 0..<lines.count, using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            lines.remove(at: line)
        case 1:
            lines.insert(lines[line], at: line)
        case 2:
            lines.swapAt(line, Int.random(in: 0..<lines.count, using: &random))
        case 3:
            var characters = Array(lines[line])
            characters.insert(contentsOf: fragments.randomElement(using: &random)!, at: Int.random(in: 0...characters.count, using: &random))
            lines[line] = String(characters)
        default:
            return String(text.prefix(Int.random(in: 0..<text.count, using: &random)))
        }
        return lines.joined(separator: "\n")
    }

    /// Bytes a broken or hostile producer might send as an interaction.
    static func hostileValue(_ random: inout SeededRandom) -> [UInt8]? {
        let timestamps = [
            #""9999-12-31T23:59:59.999Z""#, "1e30", "-1e30", #""0001-01-01T00:00:00Z""#, #""2026-11-27T10:00:00+99:00""#, "null", "[]", "{}",
            "9223372036854775807", #""2026-11-27T10:00:00.000Z""#, "true", #""""#,
        ]
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return nil
        case 1: return (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 2: return Array((String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)).utf8)
        case 3: return Array(#"{"event":"Product Viewed","timestamp":\#(timestamps.randomElement(using: &random)!),"properties":{"product_id":"P1"}}"#.utf8)
        case 4: return Array(#"{"event":"Product Viewed","timestamp":"2026-11-27T10:00:00Z","properties":{"product_id":\#(timestamps.randomElement(using: &random)!)}}"#.utf8)
        default: return [0xC3, 0x28, 0xFF] + Array(#"{"event":1}"#.utf8)
        }
    }
}
