import Logging
import StreamCore

/// Turns a validated ``TopologyDefinition`` into a StreamCore ``Topology``. Each step kind compiles in
/// its own file under `Steps/`, named after its YAML keyword.
public enum TopologyCompiler {
    /// Compiles `definition`; `logger` is what `log` steps write to.
    ///
    /// - Throws: ``TopologyDiagnostics`` for problems only visible across pipelines (reading a pipeline
    ///   that ends in `to` or `branch`, a topic read by two sources).
    public static func compile(_ definition: TopologyDefinition, logger: Logger) throws(TopologyDiagnostics) -> Topology {
        var context = Context(definition: definition, logger: logger)
        for source in definition.sources {
            if let store = source.globalStore {
                context.builder.globalTable(topic: source.topic.value, store: store.value, keyFormat: source.keyFormat, valueFormat: source.valueFormat)
                context.globalStores[source.name.value] = store.value
                context.streams[source.name.value] = .some(nil)
            } else {
                context.streams[source.name.value] = context.compileSource(source)
            }
        }
        for pipeline in pipelinesInDependencyOrder(definition) {
            context.compile(pipeline)
        }
        guard context.diagnostics.isEmpty else { throw TopologyDiagnostics(context.diagnostics) }
        let topology: Topology
        do {
            topology = try context.builder.build()
        } catch {
            throw TopologyDiagnostics([TopologyDiagnostic(error.message, at: definition.applicationID.location)])
        }
        if let dashboard = definition.dashboard {
            let stores = Set(topology.subtopologies.flatMap(\.stores) + topology.globalTables.map(\.store))
            let unknown = dashboard.panels.filter { !stores.contains($0.store.value) }.map { panel in
                TopologyDiagnostic("panel '\(panel.title)' shows store '\(panel.store.value)', which this topology does not keep; stores: \(stores.sorted().joined(separator: ", "))", at: panel.store.location)
            }
            // Without a key a panel shows a store's newest entries, which only a key-value store lists
            // by key alone.
            let kinds = QueryableStores.kinds(in: topology)
            let keyless = dashboard.panels.filter { $0.key == nil && kinds[$0.store.value].map { $0 != .keyValue } == true }.map { panel in
                TopologyDiagnostic("panel '\(panel.title)' shows windowed store '\(panel.store.value)' without a 'key'; name the key whose windows it shows", at: panel.location)
            }
            guard unknown.isEmpty, keyless.isEmpty else { throw TopologyDiagnostics(unknown + keyless) }
        }
        return topology
    }

    /// Pipelines ordered so each comes after the pipelines it reads (the validator rules out cycles).
    private static func pipelinesInDependencyOrder(_ definition: TopologyDefinition) -> [PipelineDefinition] {
        let byName = Dictionary(definition.pipelines.map { ($0.name.value, $0) }, uniquingKeysWith: { first, _ in first })
        var ordered: [PipelineDefinition] = []
        var visited: Set<String> = []
        func visit(_ pipeline: PipelineDefinition) {
            guard visited.insert(pipeline.name.value).inserted else { return }
            for dependency in pipeline.streamsRead {
                if let upstream = byName[dependency.name.value] { visit(upstream) }
            }
            ordered.append(pipeline)
        }
        definition.pipelines.forEach(visit)
        // A pipeline that runs `every` reads a store, which the others must have created first.
        return ordered.filter { $0.every == nil } + ordered.filter { $0.every != nil }
    }

    /// What compiling one file needs: the builder, the streams compiled so far, the problems found.
    struct Context {
        let definition: TopologyDefinition
        let logger: Logger
        let builder: TopologyBuilder
        /// The output stream of each source and pipeline, by name; `nil` for a pipeline that ends in
        /// `to` or `branch`.
        var streams: [String: KStream?] = [:]
        var diagnostics: [TopologyDiagnostic] = []
        /// Streams grouped for an aggregation (`group-by-key`, `group-by`), by node, with the window
        /// a `window` step set; an aggregation step needs its input here.
        var groupings: [TopologyNode.ID: WindowDefinition?] = [:]
        /// Streams that are tables (a table source, `to-table`, a grouped table's aggregation, and table
        /// `filter`/`map-values` after them): their records are changes to the latest value per key.
        var tables: Set<TopologyNode.ID> = []
        /// Grouped streams whose records are a table's rows moving between groups (`group-by` on a table):
        /// their aggregations subtract as well as add.
        var groupedTables: Set<TopologyNode.ID> = []
        /// The results of stream aggregations: updates of an aggregate table, which `to-stream` accepts.
        var aggregationResults: Set<TopologyNode.ID> = []
        /// The store that materializes each table stream that has one (table sources, `to-table`).
        var tableStores: [TopologyNode.ID: String] = [:]
        /// The store of each global table, by source name.
        var globalStores: [String: String] = [:]
        /// Partition count and topic of the input each stream's records come from, for co-partitioning checks.
        var streamInputs: [TopologyNode.ID: (topic: String, partitions: Int)] = [:]
        /// The repartition topics Kafka Streams would insert, by the step that needs them.
        let automaticRepartitions: [String: [AutomaticRepartition]]

        init(definition: TopologyDefinition, logger: Logger) {
            self.definition = definition
            self.logger = logger
            builder = TopologyBuilder(applicationID: definition.applicationID.value)
            automaticRepartitions = Dictionary(grouping: definition.automaticRepartitions, by: \.step)
        }

        mutating func compile(_ pipeline: PipelineDefinition) {
            if let every = pipeline.every {
                streams[pipeline.name.value] = compilePunctuation(pipeline, every).flatMap { compile(pipeline.steps, on: $0) }
                return
            }
            let inputs = pipeline.from.compactMap { stream(named: $0) }
            guard let first = inputs.first else {
                streams[pipeline.name.value] = .some(nil)
                return
            }
            let start = inputs.count == 1 ? first : first.merge("\(pipeline.name.value).from", with: Array(inputs.dropFirst()))
            if streamInputs[start.node] == nil { streamInputs[start.node] = streamInputs[first.node] }
            streams[pipeline.name.value] = compile(pipeline.steps, on: start)
        }

        /// Compiles a step list; returns the stream after the last step, or `nil` when it ends the chain.
        mutating func compile(_ steps: [StepDefinition], on stream: KStream) -> KStream? {
            var current: KStream? = stream
            for step in steps {
                guard let input = current else { break }
                current = compile(step, on: input)
                if let output = current, streamInputs[output.node] == nil { streamInputs[output.node] = streamInputs[input.node] }
            }
            return current
        }

        mutating func compile(_ step: StepDefinition, on input: KStream) -> KStream? {
            let stream = automaticallyRepartitioned(input, .stream, before: step)
            return switch step.kind {
            case .filter(let condition) where tables.contains(stream.node): compileTableFilter(step, condition, on: stream)
            case .filter(let condition): compileFilter(step, condition, on: stream)
            case .mapValues(let template) where tables.contains(stream.node): compileTableMapValues(step, template, on: stream)
            case .require(let condition, let reason): compileRequire(step, condition, reason: reason, on: stream)
            case .mapValues(let template): compileMapValues(step, template, on: stream)
            case .map(let key, let value): compileMap(step, key: key, value: value, on: stream)
            case .selectKey(let key): compileSelectKey(step, key, on: stream)
            case .setTime(let time): compileSetTime(step, time, on: stream)
            case .flatMap(let items, let key, let value): compileFlatMap(step, items: items, key: key, value: value, on: stream)
            case .branch(let branches, let defaultBranch): compileBranch(step, branches, defaultBranch: defaultBranch, on: stream)
            case .merge(let names): compileMerge(step, names, on: stream)
            case .log(let message, let level): compileLog(step, message: message, level: level, on: stream)
            case .to(let topic, let keyFormat, let valueFormat): compileTo(step, topic: topic, keyFormat: keyFormat, valueFormat: valueFormat, on: stream)
            case .groupByKey: compileGroupByKey(step, on: stream)
            case .groupBy(let key, let value, let repartition, let partitions): compileGroupBy(step, key: key, value: value, repartition: repartition, partitions: partitions, on: stream)
            case .repartition(let key, let name, let partitions): compileRepartition(step, key: key, name: name, partitions: partitions, on: stream)
            case .timer(let timer): compileTimer(step, timer, on: stream)
            case .deduplicate(let deduplicate): compileDeduplicate(step, deduplicate, on: stream)
            case .streamJoin(let join): compileStreamJoin(step, join, on: stream)
            case .window(let window): compileWindow(step, window, on: stream)
            case .count(let options): compileCount(step, options, on: stream)
            case .reduce(let adder, let subtractor, let options): compileReduce(step, adder: adder, subtractor: subtractor, options, on: stream)
            case .aggregate(let initial, let adder, let merger, let subtractor, let options):
                compileAggregate(step, initial: initial, adder: adder, merger: merger, subtractor: subtractor, options, on: stream)
            case .toTable(let store): compileToTable(step, store: store, on: stream)
            case .toStream: compileToStream(step, on: stream)
            case .join(let table, let kind, let condition, let lookup, let value):
                compileJoin(step, table: table, kind: kind, condition: condition, lookup: lookup, value: value, on: stream)
            case .sink(let sink): compileSink(step, sink, on: stream)
            case .classify(let source, let text, let into): compileClassify(step, source, text: text, into: into, on: stream)
            }
        }

        /// The stream a `from` or `merge` reference names, or a diagnostic when it has none.
        mutating func stream(named reference: Located<String>) -> KStream? {
            if globalStores[reference.value] != nil {
                diagnostics.append(TopologyDiagnostic(
                    "'\(reference.value)' is a global table: it can only be looked up ('join' with 'table: \(reference.value)'), not read as a stream", at: reference.location))
                return nil
            }
            switch streams[reference.value] {
            case .some(.some(let stream)):
                return stream
            case .some(.none):
                diagnostics.append(TopologyDiagnostic(
                    "pipeline '\(reference.value)' ends in 'to' or 'branch', so it has no output stream to read", at: reference.location))
            case .none:
                diagnostics.append(TopologyDiagnostic("'\(reference.value)' is neither a source nor a pipeline", at: reference.location))
            }
            return nil
        }
    }
}
