/// Checks the names a topology defines and the names it refers to: every `from` and `merge` names a
/// source or a pipeline that passes records on (one not ending in `to` or `branch`), no name is
/// defined twice, and no pipeline reads (through any chain of `from` and `merge`) from itself.
///
/// Runs on whatever the parser could read, so a file's reference problems are reported along with
/// its other problems; a source that failed to parse still counts as defined (its name is passed
/// separately) so that its mistakes are not reported again as dangling references.
enum ReferenceValidator {
    /// A `from` or `merge` naming another stream.
    private struct Reference {
        /// `from` or `merge`.
        let field: String
        let name: Located<String>
    }

    /// The reference problems in a topology.
    ///
    /// - Parameters:
    ///   - sourceNames: every source's name, in file order, including sources with other problems.
    ///   - pipelines: the pipelines, in file order.
    ///   - topics: the declared topics, in file order.
    static func diagnostics(sourceNames: [Located<String>], pipelines: [PipelineDefinition], topics: [TopicDeclaration]) -> [TopologyDiagnostic] {
        var diagnostics: [TopologyDiagnostic] = []
        func report(_ message: String, at location: SourceLocation) {
            diagnostics.append(TopologyDiagnostic(message, at: location))
        }

        // Definitions.
        var sources: Set<String> = []
        for name in sourceNames where !sources.insert(name.value).inserted {
            report("duplicate source name '\(name.value)'", at: name.location)
        }
        var pipelineIndexes: [String: Int] = [:]
        for (index, pipeline) in pipelines.enumerated() {
            let name = pipeline.name
            if pipelineIndexes[name.value] != nil {
                report("duplicate pipeline name '\(name.value)'", at: name.location)
            } else if sources.contains(name.value) {
                report("pipeline name '\(name.value)' is already the name of a source; expected names unique across sources and pipelines", at: name.location)
            } else {
                pipelineIndexes[name.value] = index
            }
        }
        var topicNames: Set<String> = []
        for topic in topics where !topicNames.insert(topic.name.value).inserted {
            report("duplicate topic '\(topic.name.value)' in 'topics'", at: topic.name.location)
        }
        var storeLocations: [String: SourceLocation] = [:]
        func checkStores(in steps: [StepDefinition]) {
            for step in steps {
                for store in step.kind.storesCreated(step: step.name, at: step.location) {
                    if let first = storeLocations[store.value] {
                        report("store '\(store.value)' is already kept by the step at \(first.line):\(first.column); give each step its own store", at: store.location)
                    } else {
                        storeLocations[store.value] = store.location
                    }
                }
                checkStores(in: step.kind.childSteps)
            }
        }
        for pipeline in pipelines { checkStores(in: pipeline.steps) }

        // References.
        var knownNames: [String] = []
        for name in sourceNames.map(\.value) + pipelines.map(\.name.value) where !knownNames.contains(name) {
            knownNames.append(name)
        }
        let known = knownNames.joined(separator: ", ")
        var edges: [[Reference]] = Array(repeating: [], count: pipelines.count)
        for (index, pipeline) in pipelines.enumerated() {
            // A pipeline defined twice has its references checked, but only the first is in the graph.
            let isInGraph = pipelineIndexes[pipeline.name.value] == index
            for reference in references(of: pipeline) {
                let name = reference.name
                if sources.contains(name.value) { continue }
                guard let upstream = pipelineIndexes[name.value] else {
                    report("'\(reference.field)' names '\(name.value)', which is neither a source nor a pipeline; known: \(known)", at: name.location)
                    continue
                }
                if upstream == index || name.value == pipeline.name.value {
                    if isInGraph { report("pipeline '\(name.value)' reads from itself", at: name.location) }
                    continue
                }
                if let last = pipelines[upstream].steps.last, StepKeyword.byKeyword[last.kind.keyword]?.endsChain == true {
                    report("pipeline '\(name.value)' ends in '\(last.kind.keyword)', so it has no output stream to read", at: name.location)
                }
                if isInGraph { edges[index].append(reference) }
            }
        }

        // Cycles: each strongly connected group of pipelines is reported once, at the first reference
        // inside the group made by the group's first pipeline in the file.
        for component in stronglyConnectedComponents(edges: edges, indexes: pipelineIndexes) where component.count > 1 {
            let members = component.sorted()
            let names = members.map { "'\(pipelines[$0].name.value)'" }
            let list = names.dropLast().joined(separator: ", ") + " and " + names.last!
            let memberNames = Set(members.map { pipelines[$0].name.value })
            let closing = edges[members[0]].first { memberNames.contains($0.name.value) }!
            report("pipelines \(list) read from each other in a cycle", at: closing.name.location)
        }
        return diagnostics
    }

    /// The `from` names of a pipeline and the `merge` and `join` names anywhere in its steps, in written order.
    private static func references(of pipeline: PipelineDefinition) -> [Reference] {
        pipeline.streamsRead.map { Reference(field: $0.field, name: $0.name) }
    }

    /// Tarjan's algorithm over pipelines by index.
    private static func stronglyConnectedComponents(edges: [[Reference]], indexes: [String: Int]) -> [[Int]] {
        var index = 0
        var indexOf: [Int?] = Array(repeating: nil, count: edges.count)
        var lowLink: [Int] = Array(repeating: 0, count: edges.count)
        var onStack: [Bool] = Array(repeating: false, count: edges.count)
        var stack: [Int] = []
        var components: [[Int]] = []

        func connect(_ vertex: Int) {
            indexOf[vertex] = index
            lowLink[vertex] = index
            index += 1
            stack.append(vertex)
            onStack[vertex] = true
            for reference in edges[vertex] {
                guard let next = indexes[reference.name.value] else { continue }
                if let nextIndex = indexOf[next] {
                    if onStack[next] { lowLink[vertex] = min(lowLink[vertex], nextIndex) }
                } else {
                    connect(next)
                    lowLink[vertex] = min(lowLink[vertex], lowLink[next])
                }
            }
            if lowLink[vertex] == indexOf[vertex] {
                var component: [Int] = []
                while let member = stack.popLast() {
                    onStack[member] = false
                    component.append(member)
                    if member == vertex { break }
                }
                components.append(component)
            }
        }

        for vertex in edges.indices where indexOf[vertex] == nil {
            connect(vertex)
        }
        return components
    }
}
