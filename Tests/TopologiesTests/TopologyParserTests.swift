import Foundation
import StreamCore
import Testing

@testable import Topologies

/// Parses a fixture from `Fixtures/valid`, failing the test with its diagnostics if it does not parse.
private func parseValidFixture(_ name: String) throws -> TopologyDefinition {
    try TopologyParser.parse(fileAt: "\(fixturesDirectory)/valid/\(name)")
}

/// A template as one line: `{zeta: value.id, middle: [value.a, 5]}`.
private func render(_ template: ValueTemplate?) -> String {
    switch template {
    case nil: "-"
    case .expression(let expression): expression.source
    case .object(let members): "{" + members.map { "\($0.key): \(render($0.value))" }.joined(separator: ", ") + "}"
    case .array(let elements): "[" + elements.map { render($0) }.joined(separator: ", ") + "]"
    }
}

private func render(_ options: AggregationOptions) -> String {
    "store: \(options.store.value), emit: \(options.emit.rawValue), late: \(options.lateRecords.rawValue)" + (options.timeToLive.map { ", ttl: \($0.value)" } ?? "")
}

/// Steps as indented lines, `NAME: KIND(ARGUMENTS)`, branches below their step.
private func render(_ steps: [StepDefinition], indent: String = "") -> [String] {
    steps.flatMap { step -> [String] in
        let line = "\(indent)\(step.name): "
        switch step.kind {
        case .filter(let condition):
            return [line + "filter(\(condition.source))"]
        case .require(let condition, let reason):
            return [line + "require(\(condition.source), reason: \(reason ?? "-"))"]
        case .mapValues(let template):
            return [line + "map-values(\(render(template)))"]
        case .map(let key, let value):
            return [line + "map(key: \(key?.source ?? "-"), value: \(render(value)))"]
        case .selectKey(let key):
            return [line + "select-key(\(key.source))"]
        case .setTime(let time):
            return [line + "set-time(\(time.source))"]
        case .flatMap(let items, let key, let value):
            return [line + "flat-map(\(items.source), key: \(key?.source ?? "-"), value: \(render(value)))"]
        case .branch(let branches, let defaultBranch):
            var lines = [line + "branch"]
            for branch in branches {
                lines.append("\(indent)  \(branch.name.value) when \(branch.condition.source):")
                lines += render(branch.steps, indent: indent + "    ")
            }
            if let defaultBranch {
                lines.append("\(indent)  default:")
                lines += render(defaultBranch, indent: indent + "    ")
            }
            return lines
        case .merge(let names):
            return [line + "merge(\(names.map(\.value).joined(separator: ", ")))"]
        case .log(let message, let level):
            return [line + "log(\(message?.source ?? "-"), level: \(level))"]
        case .to(let topic, let keyFormat, let valueFormat):
            return [line + "to(\(topic.value), key: \(keyFormat), value: \(valueFormat))"]
        case .groupByKey:
            return [line + "group-by-key"]
        case .groupBy(let key, let value, let repartition, let partitions):
            let valuePart = value.map { ", value: \($0.source)" } ?? ""
            return [line + "group-by(\(key.source)\(valuePart), repartition: \(repartition.value), partitions: \(partitions.map(String.init) ?? "-"))"]
        case .window(let window):
            return [line + "window(\(window.kind), grace: \(window.grace), retention: \(window.retention.map(String.init) ?? "-"))"]
        case .count(let options):
            return [line + "count(\(render(options)))"]
        case .reduce(let adder, let subtractor, let options):
            let subtractorPart = subtractor.map { ", subtractor: \($0.source)" } ?? ""
            return [line + "reduce(\(adder.source)\(subtractorPart), \(render(options)))"]
        case .aggregate(let initial, let adder, let merger, let subtractor, let options):
            let subtractorPart = subtractor.map { ", subtractor: \($0.source)" } ?? ""
            return [line + "aggregate(\(initial.source), \(adder.source), merger: \(merger?.source ?? "-")\(subtractorPart), \(render(options)))"]
        case .toTable(let store):
            return [line + "to-table(\(store.value))"]
        case .toStream:
            return [line + "to-stream"]
        case .streamJoin(let join):
            return [line + "join(stream: \(join.stream.value), \(join.kind.rawValue), before: \(join.before), after: \(join.after), store: \(join.store.value))"]
        case .timer(let timer):
            return [line + "timer(\(timer.store.value), after: \(timer.delay), start: \(timer.startsWhen.source), cancel: \(timer.cancelsWhen?.source ?? "-"))"]
        case .deduplicate(let deduplicate):
            return [line + "deduplicate(\(deduplicate.id.source), within: \(deduplicate.within), store: \(deduplicate.store.value))"]
        case .repartition(let key, let name, let partitions):
            return [line + "repartition(\(key?.source ?? "-"), name: \(name.value), partitions: \(partitions.map(String.init) ?? "-"))"]
        case .join(let table, let kind, let condition, _, let value):
            return [line + "join(\(table.value), \(kind.rawValue), when: \(condition?.source ?? "-"), value: \(render(value)))"]
        case .sink(let sink as SalesforceSinkDefinition):
            return [line + "salesforce(\(sink.delivery.name.value), \(sink.sObject.value), \(sink.operation), fields: \(render(sink.fields)), batch: \(sink.delivery.batch?.size ?? 0))"]
        case .classify(let source, let text, let into):
            return [line + "classify(\(source), text: \(text.source), into: \(into.value))"]
        case .sink(let sink as HTTPSinkDefinition):
            return [line + "http(\(sink.delivery.name.value), \(sink.method.rawValue) \(sink.url.text.value), body: \(render(sink.body)), batch: \(sink.delivery.batch.map { String($0.size) } ?? "-"))"]
        case .sink(let sink):
            return [line + "\(sink.keyword)(\(sink.delivery.name.value), \(sink.summary))"]
        }
    }
}

@Suite("Topology parser")
struct TopologyParserTests {
    @Test func minimalFileGetsEveryDefault() throws {
        let topology = try parseValidFixture("minimal.yml")
        #expect(topology.file == "\(fixturesDirectory)/valid/minimal.yml")
        #expect(topology.applicationID.value == "minimal")
        #expect(topology.name == "minimal")
        #expect(topology.description == nil)
        #expect(topology.topics.isEmpty)

        let source = try #require(topology.sources.first)
        #expect(topology.sources.count == 1)
        #expect(source.name.value == "in")
        #expect(source.topic.value == "input")
        #expect(source.keyFormat == .string)
        #expect(source.valueFormat == .json)
        #expect(source.eventTime == nil)
        #expect(source.partitions == nil)

        #expect(topology.pipelines.map(\.name.value) == ["copy"])
        #expect(topology.pipelines[0].from.map(\.value) == ["in"])
        #expect(render(topology.pipelines[0].steps) == ["copy.0.to: to(output, key: string, value: json)"])
    }

    @Test func headerFieldsAreRead() throws {
        let topology = try parseValidFixture("every-step.yml")
        #expect(topology.applicationID == Located("shop.orders_v2", at: SourceLocation(file: topology.file, line: 2, column: 17)))
        #expect(topology.name == "Order enrichment")
        #expect(topology.description == "Exercises every step kind.")
    }

    @Test func sourcesKeepFileOrderFormatsEventTimeAndPartitions() throws {
        let topology = try parseValidFixture("every-step.yml")
        #expect(topology.sources.map(\.name.value) == ["orders", "refunds"])

        let orders = topology.sources[0]
        #expect(orders.name.location == SourceLocation(file: topology.file, line: 7, column: 3))
        #expect(orders.topic == Located("order-events", at: SourceLocation(file: topology.file, line: 8, column: 12)))
        #expect(orders.keyFormat == .bytes)
        #expect(orders.valueFormat == .json)
        #expect(orders.eventTime?.source == "value.created_at")
        #expect(orders.eventTime?.location == SourceLocation(file: topology.file, line: 11, column: 17))
        #expect(orders.eventTime?.expression.roots == TopologyParser.recordRoots)
        #expect(orders.partitions == 8)

        let refunds = topology.sources[1]
        #expect(refunds.keyFormat == .string)
        #expect(refunds.valueFormat == .string)
        #expect(refunds.eventTime == nil)
        #expect(refunds.partitions == nil)
    }

    @Test func topicsAcceptACountOrAMappingWithPartitions() throws {
        let topology = try parseValidFixture("every-step.yml")
        #expect(topology.topics.map(\.name.value) == ["big-orders", "order-lines"])
        #expect(topology.topics.map(\.partitions) == [4, 2])
    }

    @Test func everyStepKindParsesWithDefaultAndExplicitNames() throws {
        let topology = try parseValidFixture("every-step.yml")
        #expect(topology.pipelines.map(\.name.value) == ["enrich", "lines"])
        #expect(topology.pipelines[0].from.map(\.value) == ["orders", "refunds"])
        #expect(render(topology.pipelines[0].steps) == [
            "enrich.0.require: require(value.id != null, reason: -)",
            "valid-total: require(value.total >= 0, reason: negative total)",
            "enrich.2.filter: filter(value.status == \"paid\")",
            "enrich.3.select-key: select-key(value.customer.id)",
            "enrich.4.map: map(key: lower(key), value: {zeta: value.id, alpha: \"fixed\", middle: [value.a, 5]})",
            "enrich.5.map-values: map-values(value)",
            "enrich.6.log: log(-, level: info)",
            "enrich.7.log: log(concat(\"order \", key), level: debug)",
            "enrich.8.branch: branch",
            "  big when value.total > 100:",
            "    enrich.8.branch.big.0.filter: filter(true)",
            "    enrich.8.branch.big.1.branch: branch",
            "      huge when value.total > 1000:",
            "        enrich.8.branch.big.1.branch.huge.0.to: to(huge-orders, key: string, value: string)",
            "      default:",
            "        enrich.8.branch.big.1.branch.default.0.to: to(big-orders, key: string, value: json)",
            "  default:",
            "    enrich.8.branch.default.0.log: log(key, level: info)",
        ])
        #expect(render(topology.pipelines[1].steps) == [
            "lines.0.flat-map: flat-map(value.lines, key: concat(key, \"-\", index), value: {sku: item.sku, position: index})",
            "lines.1.flat-map: flat-map(value.tags, key: -, value: -)",
            "lines.2.merge: merge(refunds)",
            "lines.3.to: to(order-lines, key: string, value: json)",
        ])
    }

    @Test func stepLocationIsItsKeyword() throws {
        let topology = try parseValidFixture("every-step.yml")
        let steps = topology.pipelines[0].steps
        // `- require:` on line 25 and `require:` after `name:` on line 27, both at column 9.
        #expect(steps[0].location == SourceLocation(file: topology.file, line: 25, column: 9))
        #expect(steps[1].location == SourceLocation(file: topology.file, line: 27, column: 9))
    }

    @Test func templatesKeepWrittenKeyOrderAndQuotedStringsAreLiterals() throws {
        let topology = try parseValidFixture("every-step.yml")
        guard case .map(_, let value?) = topology.pipelines[0].steps[4].kind, case .object(let members) = value else {
            Issue.record("expected a map step with an object template")
            return
        }
        #expect(members.map(\.key) == ["zeta", "alpha", "middle"])
        guard case .expression(let alpha) = members[1].value else {
            Issue.record("expected an expression for alpha")
            return
        }
        #expect(alpha.expression.constantValue == .string("fixed"))
        // Inside single quotes the expression starts one column after the quote.
        #expect(alpha.location == SourceLocation(file: topology.file, line: 34, column: 21))
    }

    @Test func flatMapKeyAndValueMayUseItemAndIndex() throws {
        let topology = try parseValidFixture("every-step.yml")
        guard case .flatMap(let items, let key?, let value?) = topology.pipelines[1].steps[0].kind,
              case .object(let members) = value, case .expression(let sku) = members[0].value
        else {
            Issue.record("expected a flat-map step with key and an object value")
            return
        }
        #expect(items.expression.roots == TopologyParser.recordRoots)
        #expect(key.expression.roots == TopologyParser.itemRoots)
        #expect(key.expression.referencedRoots == ["key", "index"])
        #expect(sku.expression.roots == TopologyParser.itemRoots)
        #expect(sku.expression.referencedRoots == ["item"])
    }

    @Test func branchNamesCarryTheirLocations() throws {
        let topology = try parseValidFixture("every-step.yml")
        guard case .branch(let branches, let defaultBranch?) = topology.pipelines[0].steps[8].kind else {
            Issue.record("expected a branch step with a default")
            return
        }
        #expect(branches.map(\.name) == [Located("big", at: SourceLocation(file: topology.file, line: 40, column: 11))])
        #expect(defaultBranch.map(\.name) == ["enrich.8.branch.default.0.log"])
    }

    @Test func everyValidFixtureParses() throws {
        for name in try fixtureNames(in: "valid") {
            #expect(throws: Never.self, "\(name)") { try parseValidFixture(name) }
        }
    }

    @Test func shopTopologiesParse() throws {
        let repository = URL(fileURLWithPath: fixturesDirectory).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let topologies = repository.appendingPathComponent("topologies").path
        let files = try FileManager.default.contentsOfDirectory(atPath: topologies).filter { $0.hasSuffix(".yml") && !$0.hasSuffix(".test.yml") }
        #expect(!files.isEmpty)
        for file in files {
            #expect(throws: Never.self, "\(file)") { try TopologyParser.parse(fileAt: "\(topologies)/\(file)") }
        }
    }

    @Test func yamlNumbersAndBooleansAreExpressionText() throws {
        let topology = try TopologyParser.parse(
            yaml: """
                application-id: numbers
                sources: { in: { topic: input } }
                pipelines:
                  p:
                    from: in
                    steps:
                      - filter: true
                      - map-values: { n: 5, ratio: 0.5, text: "'five'", nothing: null }
                      - to: out
                """,
            file: "numbers.yml"
        )
        #expect(render(topology.pipelines[0].steps) == [
            "p.0.filter: filter(true)",
            "p.1.map-values: map-values({n: 5, ratio: 0.5, text: 'five', nothing: null})",
            "p.2.to: to(out, key: string, value: json)",
        ])
    }
}
