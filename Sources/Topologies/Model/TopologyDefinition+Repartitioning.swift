/// A repartition topic the topology gets without writing one: Kafka Streams inserts one before a step
/// that needs each key's records in one task — `group-by-key` (an aggregation), a `join` with a
/// partitioned table or another stream, `to-table` — when a step before it changed the key (`select-key`,
/// `map` or `flat-map` with a `key`) and nothing has re-partitioned the records since
/// (`KStreamImpl#repartitionRequired`). Without it a cluster would count or join one key in several tasks.
public struct AutomaticRepartition: Sendable, Equatable {
    /// Which stream of the step is re-partitioned.
    public enum Input: Sendable, Equatable {
        /// The stream the step reads.
        case stream
        /// The other stream of a stream-stream `join` (its `stream:`).
        case joinedStream
    }

    /// The step that needs its input re-partitioned.
    public var step: String
    public var input: Input
    /// The topic's name within the application: the step's name (`-left`/`-right` for the two sides of a
    /// stream-stream join), so the topic is `<application-id>-NAME-repartition`, stable across edits to
    /// other pipelines (name the step to keep it stable across edits to its own pipeline too).
    public var name: String
    public var location: SourceLocation
}

extension TopologyDefinition {
    /// Every repartition topic the topology gets on its own, in file order (see ``AutomaticRepartition``).
    public var automaticRepartitions: [AutomaticRepartition] {
        var found: [AutomaticRepartition] = []
        // Whether each source's and pipeline's output is keyed other than its partitions: pipelines in
        // file order may read later ones, so passes repeat until nothing changes.
        var keyChanged: [String: Bool] = Dictionary(sources.map { ($0.name.value, false) }, uniquingKeysWith: { first, _ in first })
        // Whether each source's and pipeline's output is a table (its key is its row's: never changed).
        var isTableOutput: [String: Bool] = Dictionary(sources.map { ($0.name.value, $0.tableStore != nil) }, uniquingKeysWith: { first, _ in first })
        let globalTables = Set(sources.filter { $0.globalStore != nil }.map(\.name.value))

        func walk(_ steps: [StepDefinition], keyChanged changed: Bool, isTable: Bool) -> (keyChanged: Bool, isTable: Bool) {
            var changed = changed
            var isTable = isTable
            var isGroupedTable = false
            func repartition(_ step: StepDefinition, _ input: AutomaticRepartition.Input = .stream, suffix: String = "") {
                found.append(AutomaticRepartition(step: step.name, input: input, name: step.name + suffix, location: step.location))
            }
            for step in steps {
                switch step.kind {
                case .filter, .require, .mapValues, .setTime, .log, .classify, .window, .timer:
                    break
                case .map(let key, _):
                    changed = changed || key != nil
                case .selectKey:
                    changed = true
                case .flatMap(_, let key, _):
                    changed = changed || key != nil
                case .merge(let names):
                    changed = changed || names.contains { keyChanged[$0.value] ?? false }
                case .groupByKey:
                    if changed, !isTable { repartition(step) }
                    changed = false
                case .groupBy:
                    isGroupedTable = isTable
                    changed = false
                case .repartition:
                    changed = false
                case .count, .reduce, .aggregate:
                    // Results are keyed by their group, which is how they are partitioned.
                    isTable = isGroupedTable
                    changed = false
                case .deduplicate:
                    // Copies share a key: they must meet in the task that remembers their id.
                    if changed { repartition(step) }
                    changed = false
                case .toTable:
                    if changed { repartition(step) }
                    changed = false
                    isTable = true
                case .toStream:
                    isTable = false
                case .join(let table, _, _, _, _):
                    if changed, !isTable, !globalTables.contains(table.value) { repartition(step) }
                    if !globalTables.contains(table.value) { changed = false }
                case .streamJoin(let join):
                    let otherChanged = keyChanged[join.stream.value] ?? false
                    if changed { repartition(step, suffix: "-left") }
                    if otherChanged { repartition(step, .joinedStream, suffix: "-right") }
                    changed = false
                case .branch(let branches, let defaultBranch):
                    for branch in branches { _ = walk(branch.steps, keyChanged: changed, isTable: isTable) }
                    _ = walk(defaultBranch ?? [], keyChanged: changed, isTable: isTable)
                case .to, .sink:
                    break
                }
            }
            return (changed, isTable)
        }

        for _ in 0...pipelines.count {
            found.removeAll()
            var settled = true
            for pipeline in pipelines {
                let inputChanged = pipeline.from.contains { keyChanged[$0.value] ?? false }
                let readsTable = pipeline.from.count == 1 && isTableOutput[pipeline.from[0].value] == true
                let output = walk(pipeline.steps, keyChanged: inputChanged, isTable: readsTable)
                if keyChanged[pipeline.name.value] != output.keyChanged || isTableOutput[pipeline.name.value] != output.isTable { settled = false }
                keyChanged[pipeline.name.value] = output.keyChanged
                isTableOutput[pipeline.name.value] = output.isTable
            }
            if settled { break }
        }
        return found
    }
}
