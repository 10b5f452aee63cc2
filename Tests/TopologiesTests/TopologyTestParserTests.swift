import Foundation
import Logging
import StreamCore
import Testing
import Topologies
import TributaryTestSupport

/// The results of the test file `tests` run against the topology `topology`, both YAML.
private func runCases(_ tests: String, of topology: String, partitions: Int? = nil) throws -> [TopologyTestResult] {
    let definition = try TopologyParser.parse(yaml: topology, file: "t.yml")
    let compiled = try TopologyCompiler.compile(definition, logger: Logger(label: "test"))
    return try TopologyTestRunner.run(TopologyTestParser.parse(yaml: tests, file: "t.test.yml"), definition: definition, topology: compiled, partitions: partitions)
}

@Suite("Test file parser")
struct TopologyTestParserTests {
    @Test func recordsReadYAMLAsJSONAndTimestampsAsISOOrEpoch() throws {
        let suite = try TopologyTestParser.parse(yaml: """
            tests:
              - name: shapes
                inputs:
                  - { topic: in, key: 42, timestamp: 2026-11-27T10:00:00.000Z, value: { n: 1, x: 1.5, yes: true, none: null, text: "7", plain: hello } }
                  - { topic: in, key: "42", timestamp: 1000, value: [1, two] }
                expected:
                  out:
                    - { key: k, value: 3 }
                  silent: []
            """, file: "t.test.yml")
        let testCase = try #require(suite.cases.first)
        #expect(testCase.inputRecords[0].key == .int(42) && testCase.inputRecords[1].key == .string("42"), "quoted scalars are strings")
        #expect(testCase.inputRecords[0].value == .object(["n": 1, "x": .double(1.5), "yes": true, "none": nil, "text": "7", "plain": "hello"]))
        #expect(testCase.inputRecords[0].timestamp == 1_795_773_600_000 && testCase.inputRecords[1].timestamp == 1000)
        #expect(testCase.inputRecords[1].value == .array([1, "two"]))
        #expect(testCase.expected.map(\.topic) == ["out", "silent"] && testCase.expected[1].records.isEmpty)
    }

    @Test func mistakesAreReportedAtTheirLines() {
        do {
            _ = try TopologyTestParser.parse(yaml: """
                tests:
                  - name: broken
                    inputs:
                      - { key: k, value: 1, timestamp: yesterday }
                      - { topic: in, partition: 2 }
                """, file: "t.test.yml")
            Issue.record("expected diagnostics")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "t.test.yml:2:5: missing required field 'expected' in a test",
                "t.test.yml:4:9: missing required field 'topic' in an input record",
                "t.test.yml:4:40: expected an ISO-8601 time or epoch milliseconds for 'timestamp', got 'yesterday'",
                "t.test.yml:5:22: unknown field 'partition' in an input record; expected one of: headers, key, timestamp, topic, value",
            ])
        }
    }

    @Test func expectedTimestampsAreCheckedWhenGiven() throws {
        let topology = """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              copy: { from: in, steps: [to: out] }
            """
        let tests = """
            tests:
              - name: right
                inputs: [{ topic: in, key: k, value: 1, timestamp: 5 }]
                expected: { out: [{ key: k, value: 1, timestamp: 5 }] }
              - name: unchecked
                inputs: [{ topic: in, key: k, value: 1, timestamp: 5 }]
                expected: { out: [{ key: k, value: 1 }] }
              - name: wrong
                inputs: [{ topic: in, key: k, value: 1, timestamp: 5 }]
                expected: { out: [{ key: k, value: 1, timestamp: 6 }] }
            """
        let results = try runCases(tests, of: topology)
        #expect(results.map(\.passed) == [true, true, false])
        #expect(results[2].differences.first?.contains("expected key \"k\" value 1 timestamp 6") == true, "\(results[2].differences)")
    }

    @Test func aTopicTheTopologyNeverWritesFailsAndUnexpectedDeadLettersSayWhy() throws {
        let topology = """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              checked: { from: in, steps: [require: value.n > 0, to: out] }
            """
        let tests = """
            tests:
              - name: misspelled
                inputs: [{ topic: in, key: k, value: { n: 1 } }]
                expected: { ot: [] }
              - name: refused
                inputs: [{ topic: in, key: k, value: { n: 0 } }]
                expected: { out: [] }
            """
        let results = try runCases(tests, of: topology)
        #expect(results[0].differences == ["t.test.yml:2:5: the topology never writes 'ot'; it writes: app-dlq, out"])
        #expect(results[1].passed)
        #expect(results[1].notes == ["dead letter from in@0 at checked.0.require (requirement-failed): requirement not met: value.n > 0"])
    }

    /// Over several partitions each task keeps its own state, as on a cluster: a timer re-keyed without
    /// a repartition (timers get none on their own) cancels across keys only while one task sees all.
    @Test func casesOverSeveralPartitionsSeeWhatATaskPerPartitionSees() throws {
        let topology = """
            application-id: app
            sources:
              adds: { topic: adds }
              orders: { topic: orders }
            pipelines:
              pending:
                from: [adds, orders]
                steps:
                  - select-key: value.user
                  - timer: { store: pending, after: 1h, start-when: value.kind == "add", cancel-when: value.kind == "order", value: { user: key } }
                  - to: abandoned
            """
        let tests = """
            tests:
              - name: an order cancels the cart's timer
                inputs:
                  - { topic: adds, key: cart-1, value: { user: U1, kind: add }, timestamp: 0 }
                  - { topic: orders, key: order-1, value: { user: U1, kind: order }, timestamp: 1000 }
                  - { topic: adds, key: cart-1, value: { user: U2, kind: add }, timestamp: 7200000 }
                  - { topic: orders, key: order-1, value: { user: U3, kind: add }, timestamp: 7200000 }
                expected:
                  abandoned: []
            """
        #expect(try runCases(tests, of: topology).allSatisfy(\.passed))
        #expect(KeyPartitioner.partition(of: Array("cart-1".utf8), partitions: 2) != KeyPartitioner.partition(of: Array("order-1".utf8), partitions: 2))
        let partitioned = try runCases(tests, of: topology, partitions: 2)
        #expect(partitioned.map(\.passed) == [false], "U1's add and order meet in different tasks: the timer fires")
        let fileWide = try TopologyTestParser.parse(yaml: "partitions: 2\n" + "tests: []", file: "t.test.yml")
        #expect(fileWide.partitions == 2)
    }

    @Test func deadLettersAreExpectedByTopicKeyValueKindStepAndReason() throws {
        let topology = """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              checked:
                from: in
                steps:
                  - require: { that: value.n > 0, reason: n must be positive }
                  - map-values: "{n: value.n, source: headers.source, trace: headers.trace}"
                  - to: out
            """
        let results = try runCases("""
            tests:
              - name: refused as expected
                inputs:
                  - { topic: in, key: a, value: { n: 0 } }
                  - { topic: in, key: b, value: { n: 2 }, headers: { source: web, trace: null } }
                expected:
                  out: [{ key: b, value: { n: 2, source: web, trace: null } }]
                dead-letters:
                  - { topic: in, key: a, value: { n: 0 }, kind: requirement-failed, step: checked.0.require, reason: must be positive }
              - name: wrong expectations
                inputs:
                  - { topic: in, key: a, value: { n: 0 } }
                expected:
                  out: []
                dead-letters:
                  - { key: z, kind: expression-failed }
                  - { key: a }
              - name: none expected
                inputs:
                  - { topic: in, key: a, value: { n: -1 } }
                expected:
                  out: []
                dead-letters: []
            """, of: topology)
        #expect(results.map(\.passed) == [true, false, false])
        #expect(results[1].differences.count == 2)
        #expect(results[1].differences[0].hasPrefix("t.test.yml:16:9: dead letter 1: expected key \"z\", kind 'expression-failed'"))
        #expect(results[1].differences[1] == "t.test.yml:17:9: dead letter 2 missing")
        #expect(results[2].differences.count == 1 && results[2].differences[0].contains("dead letter 1 not expected"))
        #expect(results.allSatisfy { $0.notes.isEmpty }, "expected dead letters are not printed as notes")
    }

    @Test func theWallClockStandsStillBetweenAdvanceSteps() throws {
        let topology = """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              reminders:
                from: in
                steps:
                  - timer: { store: pending, clock: wall-clock, after: 10m, start-when: "true", value: { n: value.n } }
                  - to: out
            """
        let results = try runCases("""
            tests:
              - name: nothing is due before ten minutes
                inputs:
                  - { topic: in, key: a, value: { n: 1 }, timestamp: 2026-11-27T10:00:00Z }
                  - advance-wall-clock: 599999ms
                expected:
                  out: []
              - name: due at ten minutes, stamped with the due time
                wall-clock: 2026-11-27T12:00:00Z
                inputs:
                  - { topic: in, key: a, value: { n: 1 }, timestamp: 2026-11-27T10:00:00Z }
                  - advance-wall-clock: 2026-11-27T11:00:00Z
                  - advance-wall-clock: 10m
                expected:
                  out: [{ key: a, value: { n: 1 }, timestamp: 2026-11-27T12:10:00Z }]
            """, of: topology)
        #expect(results.map(\.passed) == [true, true], "\(results.flatMap(\.differences))")
    }

    @Test func envLoadsTheTopologyAgainWithTheCasesVariables() throws {
        let temporary = TemporaryDirectory("env-case")
        let directory = URL(fileURLWithPath: temporary.path)
        let file = directory.appendingPathComponent("t.yml").path
        try """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              limited:
                from: in
                steps:
                  - filter: value.n > env("TRIBUTARY_TEST_LIMIT", 10)
                  - to: out
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let definition = try TopologyParser.parse(fileAt: file)
        let suite = try TopologyTestParser.parse(yaml: """
            tests:
              - name: default limit
                inputs: [{ topic: in, key: a, value: { n: 5 } }]
                expected: { out: [] }
              - name: lower limit
                env: { TRIBUTARY_TEST_LIMIT: 3 }
                inputs: [{ topic: in, key: a, value: { n: 5 } }]
                expected: { out: [{ key: a, value: { n: 5 } }] }
              - name: empty counts as unset
                env: { TRIBUTARY_TEST_LIMIT: "" }
                inputs: [{ topic: in, key: a, value: { n: 5 } }]
                expected: { out: [] }
            """, file: "t.test.yml")
        let results = try TopologyTestRunner.run(suite, definition: definition, topology: TopologyCompiler.compile(definition, logger: Logger(label: "test")))
        #expect(results.map(\.passed) == [true, true, true], "\(results.flatMap(\.differences))")
    }

    @Test func newFieldsReportTheirMistakes() {
        do {
            _ = try TopologyTestParser.parse(yaml: """
                tests:
                  - name: broken
                    env: { A: [1] }
                    wall-clock: soon
                    inputs:
                      - advance-wall-clock: 5 minutes
                      - { topic: in, headers: { a: { b: 1 } } }
                    expected: {}
                    dead-letters:
                      - { kind: x, offset: 3 }
                """, file: "t.test.yml")
            Issue.record("expected diagnostics")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "t.test.yml:3:15: expected text for the variable 'A', got a sequence",
                "t.test.yml:4:17: expected an ISO-8601 time or epoch milliseconds for 'wall-clock', got 'soon'",
                "t.test.yml:6:29: expected a duration such as 500ms, 30s, 5m, 2h or 1d for 'advance-wall-clock', got '5 minutes'",
                "t.test.yml:7:36: expected text or null for the header 'a', got a mapping",
                "t.test.yml:10:20: unknown field 'offset' in an expected dead letter; expected one of: key, kind, reason, step, topic, value",
            ])
        }
    }

    @Test func theTestFileSitsNextToTheTopology() {
        #expect(TopologyTestParser.testFile(for: "topologies/examples/product-views.yml") == "topologies/examples/product-views.test.yml")
    }
}
