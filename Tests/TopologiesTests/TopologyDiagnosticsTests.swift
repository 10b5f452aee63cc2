import Testing

@testable import Topologies

/// The diagnostics parsing a fixture produces, as `FILE:LINE:COLUMN: message` with FILE relative to
/// `Fixtures/invalid`; empty if the file parsed.
func diagnostics(ofInvalidFixture name: String) -> [String] {
    let directory = "\(fixturesDirectory)/invalid/"
    do {
        _ = try TopologyParser.parse(fileAt: directory + name)
        return []
    } catch {
        return error.diagnostics.map { diagnostic in
            var line = diagnostic.description
            if line.hasPrefix(directory) { line.removeFirst(directory.count) }
            return line
        }
    }
}

/// One bad file and exactly what it must report. Lines and columns were counted by hand in the file.
struct InvalidFixture: Sendable, CustomTestStringConvertible {
    let file: String
    let expected: [String]

    init(_ file: String, _ expected: String...) {
        self.file = file
        self.expected = expected
    }

    var testDescription: String { file }
}

private let stepKeywords = "aggregate, branch, classify, count, deduplicate, file, filter, flat-map, group-by, group-by-key, http, join, log, map, map-values, merge, peek, reduce, repartition, require, salesforce, select-key, set-time, timer, to, to-stream, to-table, window"
private let formats = "string, json, bytes"
private let topicCharacters = "may only contain letters, digits, '.', '_' and '-'"

private let invalidFixtures: [InvalidFixture] = [
    InvalidFixture(
        "yaml-syntax-error.yml",
        "yaml-syntax-error.yml:4:27: YAML syntax error: mapping values are not allowed in this context"
    ),
    InvalidFixture(
        "multiple-documents.yml",
        "multiple-documents.yml:5:1: YAML syntax error: a topology file holds a single YAML document, but found another document"
    ),
    InvalidFixture(
        "empty-file.yml",
        "empty-file.yml:1:1: the file is empty; expected a mapping with 'application-id', 'sources' and 'pipelines'"
    ),
    InvalidFixture(
        "unknown-step.yml",
        "unknown-step.yml:9:9: unknown step 'filer'; expected one of: \(stepKeywords)"
    ),
    InvalidFixture(
        "unknown-field.yml",
        "unknown-field.yml:3:3: missing required field 'topic' in source 'tracking'",
        "unknown-field.yml:4:5: unknown field 'topik' in source 'tracking'; expected one of: event-time, global-table, key, partitions, table, topic, value"
    ),
    InvalidFixture(
        "unknown-top-level-field.yml",
        "unknown-top-level-field.yml:1:1: missing required field 'pipelines' in the topology",
        "unknown-top-level-field.yml:5:1: unknown field 'pipeline' in the topology; expected one of: application-id, dashboard, description, name, pipelines, processing-guarantee, sources, threads, topics"
    ),
    InvalidFixture(
        "missing-field.yml",
        "missing-field.yml:6:3: missing required field 'from' in pipeline 'route'"
    ),
    InvalidFixture(
        "duplicate-field.yml",
        "duplicate-field.yml:5:5: duplicate field 'topic' in source 'tracking'"
    ),
    InvalidFixture(
        "bad-format.yml",
        "bad-format.yml:5:12: unknown format 'jsn'; expected one of: \(formats)",
        "bad-format.yml:10:32: unknown format 'text'; expected one of: \(formats)"
    ),
    InvalidFixture(
        "bad-partitions.yml",
        "bad-partitions.yml:5:17: expected a positive integer for 'partitions', got '0'",
        "bad-partitions.yml:7:8: expected a positive integer for the partitions of topic 'out', got 'many'",
        "bad-partitions.yml:8:24: expected a positive integer for 'partitions', got '-2'"
    ),
    InvalidFixture(
        "bad-expression-plain.yml",
        "bad-expression-plain.yml:9:28: unexpected character '='; did you mean '=='?"
    ),
    InvalidFixture(
        "bad-expression-quoted.yml",
        "bad-expression-quoted.yml:9:45: expected ',' or ')' to close '(' at offset 6",
        // The '' escapes before the offending token are two columns each in the file.
        "bad-expression-quoted.yml:10:41: expected an expression after 'or'"
    ),
    InvalidFixture(
        "bad-expression-block.yml",
        // Inside a folded block scalar columns no longer match the file: reported at the '>'.
        "bad-expression-block.yml:9:17: expected an expression after '=='"
    ),
    InvalidFixture(
        // One problem of each kind, names and syntax beside structure: all reported in one run, in file
        // order; a pipeline reading a broken one is not compiled, so nothing is reported for it.
        "every-kind-of-problem.yml",
        "every-kind-of-problem.yml:6:35: unknown format 'yaml'; expected one of: string, json, bytes",
        "every-kind-of-problem.yml:11:9: unknown step 'filer'; expected one of: \(stepKeywords)",
        "every-kind-of-problem.yml:16:30: expected an expression after '>'",
        "every-kind-of-problem.yml:19:11: 'from' names 'trackin', which is neither a source nor a pipeline; known: tracking, orders, views, broken-source, typo-step, bad-expression, unknown-name, ungrouped, final-without-window, session-without-merger, not-copartitioned, reads-a-broken-pipeline",
        "every-kind-of-problem.yml:25:9: 'count' needs grouped records: put 'group-by-key' or 'group-by' (and optionally 'window') right before it",
        "every-kind-of-problem.yml:31:25: 'emit: final' needs windows: a result is final when its window closes; add a 'window' step before 'count'",
        "every-kind-of-problem.yml:38:9: 'aggregate' over session windows needs a 'merger' (over 'aggregate' and 'other'): a record can join two sessions into one",
        "every-kind-of-problem.yml:43:25: the stream (topic 'order-events', 3 partitions) and stream 'views' (topic 'product-views', 4 partitions) are not co-partitioned, so records of a key would meet in different tasks; re-key one with 'repartition' (partitions: 3) or give both topics the same partition count",
        "every-kind-of-problem.yml:46:11: pipeline 'typo-step' ends in 'to', so it has no output stream to read"
    ),
    InvalidFixture(
        "unknown-function.yml",
        "unknown-function.yml:9:30: unknown function 'total'; known functions: \(ExpressionFunction.knownNames)"
    ),
    InvalidFixture(
        "unknown-root.yml",
        "unknown-root.yml:10:17: unknown name 'item'; expected one of: key, value, headers, timestamp, window",
        "unknown-root.yml:11:21: unknown name 'record'; expected one of: key, value, headers, timestamp, window"
    ),
    InvalidFixture(
        "undefined-source.yml",
        "undefined-source.yml:7:11: 'from' names 'trackin', which is neither a source nor a pipeline; known: tracking, route"
    ),
    InvalidFixture(
        "undefined-merge.yml",
        "undefined-merge.yml:11:25: 'merge' names 'returns', which is neither a source nor a pipeline; known: tracking, orders, route"
    ),
    InvalidFixture(
        "from-pipeline-ending-in-to.yml",
        "from-pipeline-ending-in-to.yml:11:11: pipeline 'route' ends in 'to', so it has no output stream to read"
    ),
    InvalidFixture(
        "cycle.yml",
        "cycle.yml:7:11: pipelines 'a' and 'b' read from each other in a cycle",
        "cycle.yml:15:11: pipeline 'd' reads from itself"
    ),
    InvalidFixture(
        "duplicate-names.yml",
        "duplicate-names.yml:5:19: duplicate topic 'out' in 'topics'",
        "duplicate-names.yml:12:3: pipeline name 'tracking' is already the name of a source; expected names unique across sources and pipelines",
        "duplicate-names.yml:16:3: duplicate pipeline name 'route'",
        "duplicate-names.yml:19:15: duplicate step name 'send'"
    ),
    InvalidFixture(
        "steps-after-to.yml",
        "steps-after-to.yml:10:9: steps after 'to' are never reached"
    ),
    InvalidFixture(
        "two-step-keywords.yml",
        "two-step-keywords.yml:10:9: a step must have exactly one step keyword, found 2: filter, map"
    ),
    InvalidFixture(
        "empty-steps.yml",
        "empty-steps.yml:8:5: expected at least one step in pipeline 'route'"
    ),
    InvalidFixture(
        "bad-application-id.yml",
        "bad-application-id.yml:1:17: 'application-id' may only contain letters, digits, '.', '_' and '-', and may not be '.' or '..' (it names the state directory)"
    ),
    InvalidFixture(
        "default-branch-with-when.yml",
        "default-branch-with-when.yml:15:13: the 'default' branch takes the records no other branch takes, so it has no 'when'"
    ),
    InvalidFixture(
        "default-branch-not-last.yml",
        "default-branch-not-last.yml:10:11: 'default' must be the last branch",
        "default-branch-not-last.yml:17:17: steps after 'to' are never reached"
    ),
    InvalidFixture(
        "missing-when.yml",
        "missing-when.yml:10:11: missing required field 'when' in branch 'big'"
    ),
    InvalidFixture(
        "wrong-node-type.yml",
        "wrong-node-type.yml:4:5: expected a mapping for source 'tracking', got a sequence",
        "wrong-node-type.yml:9:7: expected a sequence for the steps of pipeline 'route', got a mapping"
    ),
    InvalidFixture(
        "step-not-a-mapping.yml",
        "step-not-a-mapping.yml:9:9: expected a mapping for step 0 of pipeline 'route', got 'filter value.ok'"
    ),
    InvalidFixture(
        "bad-log-level.yml",
        "bad-log-level.yml:9:24: unknown log level 'verbose'; expected one of: trace, debug, info, notice, warning, error",
        "bad-log-level.yml:10:9: expected at least one of 'key' and 'value' in 'map'",
        "bad-log-level.yml:11:13: topic name 'customer interactions' \(topicCharacters)"
    ),
    InvalidFixture(
        "store-kept-twice.yml",
        "store-kept-twice.yml:15:64: store 'counts' is already kept by the step at 9:25; give each step its own store"
    ),
]

@Suite("Topology diagnostics")
struct TopologyDiagnosticsTests {
    @Test("an invalid file reports exactly its problems, at their line and column", arguments: invalidFixtures)
    func invalidFileReportsEachProblemAtItsLocation(_ fixture: InvalidFixture) {
        #expect(diagnostics(ofInvalidFixture: fixture.file) == fixture.expected)
    }

    @Test func everyInvalidFixtureIsCovered() throws {
        let onDisk = try fixtureNames(in: "invalid")
        #expect(onDisk == invalidFixtures.map(\.file).sorted())
    }

    @Test func unreadableFileIsOneDiagnosticAtLineOneColumnOne() {
        let path = "\(fixturesDirectory)/invalid/no-such-file.yml"
        #expect(throws: TopologyDiagnostics.self) { try TopologyParser.parse(fileAt: path) }
        do {
            _ = try TopologyParser.parse(fileAt: path)
        } catch {
            #expect(error.description == "\(path):1:1: cannot read the topology file: no such file")
        }
    }

    @Test func cycleThroughThreePipelinesNamesThemInFileOrder() {
        let yaml = """
            application-id: shop
            sources:
              tracking: { topic: tracking-events }
            pipelines:
              a: { from: c, steps: [filter: true] }
              b: { from: a, steps: [filter: true] }
              c: { from: tracking, steps: [merge: b] }
            """
        #expect(parseErrors(yaml) == ["t.yml:5:14: pipelines 'a', 'b' and 'c' read from each other in a cycle"])
    }

    @Test func keyRepeatedThreeTimesIsReportedAtEachRepetition() {
        let yaml = """
            application-id: shop
            sources:
              tracking: { topic: tracking-events }
            pipelines:
              route: { from: tracking, steps: [to: a] }
              route: { from: tracking, steps: [to: b] }
              "route": { from: tracking, steps: [to: c] }
            """
        #expect(parseErrors(yaml) == [
            "t.yml:6:3: duplicate pipeline name 'route'",
            "t.yml:7:3: duplicate pipeline name 'route'",
        ])
    }

    /// "Billion laughs": ten aliases of ten aliases, seven deep, in a few hundred bytes.
    @Test func aFileThatAliasesExpandBeyondAMillionNodesIsRefusedAtOnce() {
        var yaml = "application-id: app\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...7 {
            yaml += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let errors = parseErrors(yaml)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("the file expands to more than 1000000 YAML nodes through its aliases") == true, "\(errors)")
    }

    @Test func problemsInSeveralSectionsAreAllReported() {
        let yaml = """
            application-id: shop
            sources:
              tracking: { topic: tracking-events, key: text }
            pipelines:
              route:
                from: tracking
                steps:
                  - filter: value.a ==
                  - fliter: true
                  - to: { topic: out, value: xml }
            """
        #expect(parseErrors(yaml) == [
            "t.yml:3:44: unknown format 'text'; expected one of: string, json, bytes",
            "t.yml:8:27: expected an expression after '=='",
            "t.yml:9:9: unknown step 'fliter'; expected one of: \(stepKeywords)",
            "t.yml:10:34: unknown format 'xml'; expected one of: string, json, bytes",
        ])
    }

    @Test func expressionErrorInsideDoubleQuotesCountsEscapesAsWritten() {
        let yaml = #"""
            application-id: shop
            sources:
              tracking: { topic: tracking-events }
            pipelines:
              route:
                from: tracking
                steps:
                  - filter: "value.name == \"a\" and value # 1"
            """#
        // `#` is at offset 28 of the expression, and at column 18 + 30 in the file: each `\"` is two columns.
        #expect(parseErrors(yaml) == ["t.yml:8:48: unexpected character '#'"])
    }

    @Test func templateErrorsAreReportedInsideNestedObjectsAndArrays() {
        let yaml = """
            application-id: shop
            sources:
              tracking: { topic: tracking-events }
            pipelines:
              route:
                from: tracking
                steps:
                  - map-values:
                      customer:
                        id: value.user.id
                        tags: [value.tag, valeu.other]
                      total:
            """
        #expect(parseErrors(yaml) == [
            "t.yml:11:31: unknown name 'valeu'; expected one of: key, value, headers, timestamp, window",
            "t.yml:12:11: expected an expression for 'total', got nothing",
        ])
    }
}

/// The diagnostics of parsing `yaml` as `t.yml`, as strings; empty if it parsed.
func parseErrors(_ yaml: String) -> [String] {
    do {
        _ = try TopologyParser.parse(yaml: yaml, file: "t.yml")
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}
