import StreamCore
import Testing
import Topologies

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
        #expect(testCase.inputs[0].key == .int(42) && testCase.inputs[1].key == .string("42"), "quoted scalars are strings")
        #expect(testCase.inputs[0].value == .object(["n": 1, "x": .double(1.5), "yes": true, "none": nil, "text": "7", "plain": "hello"]))
        #expect(testCase.inputs[0].timestamp == 1_795_773_600_000 && testCase.inputs[1].timestamp == 1000)
        #expect(testCase.inputs[1].value == .array([1, "two"]))
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
                "t.test.yml:5:22: unknown field 'partition' in an input record; expected one of: key, timestamp, topic, value",
            ])
        }
    }

    @Test func theTestFileSitsNextToTheTopology() {
        #expect(TopologyTestParser.testFile(for: "topologies/examples/product-views.yml") == "topologies/examples/product-views.test.yml")
    }
}
