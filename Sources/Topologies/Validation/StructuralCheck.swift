import Logging

/// The problems the compiler finds across steps (grouping before an aggregation, a session merger,
/// `emit: final` without windows, co-partitioning, ...) in a file that also has problems of names and
/// syntax, so that one `validate` run reports both kinds.
///
/// Only the sources and pipelines without a problem of their own are compiled, and only those that read
/// nothing but such sources and pipelines: a broken or missing step is never the cause of a structural
/// diagnostic reported beside it.
enum StructuralCheck {
    /// The compiler's diagnostics for the parts of `definition` that `diagnostics` leave untouched.
    ///
    /// - Parameter sections: each source's and pipeline's name, where its section starts; a diagnostic
    ///   belongs to the last section starting before it.
    static func diagnostics(of definition: TopologyDefinition, apartFrom diagnostics: [TopologyDiagnostic], sections: [Located<String>]) -> [TopologyDiagnostic] {
        let starts = sections.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        var broken: Set<String> = []
        for diagnostic in diagnostics {
            let position = (diagnostic.location.line, diagnostic.location.column)
            guard let section = starts.last(where: { ($0.location.line, $0.location.column) <= position }) else {
                return []  // a problem before every source and pipeline (the application id, say): nothing can be compiled on its own
            }
            broken.insert(section.value)
        }
        var checkable = definition
        checkable.sources.removeAll { broken.contains($0.name.value) }
        checkable.pipelines.removeAll { broken.contains($0.name.value) }
        while true {
            let known = Set(checkable.sources.map(\.name.value) + checkable.pipelines.map(\.name.value))
            let before = checkable.pipelines.count
            checkable.pipelines.removeAll { pipeline in pipeline.streamsRead.contains { !known.contains($0.name.value) } }
            if checkable.pipelines.count == before { break }
        }
        if checkable.pipelines.count < definition.pipelines.count {
            checkable.pipelines.removeAll { $0.every != nil }  // the store it emits may be one left out
        }
        guard !checkable.pipelines.isEmpty else { return [] }
        if checkable.pipelines.count < definition.pipelines.count {
            checkable.dashboard = nil  // its panels may show the stores of pipelines left out
        }
        do {
            _ = try TopologyCompiler.compile(checkable, logger: Logger(label: "tributary.validate", factory: { _ in SwiftLogNoOpLogHandler() }))
            return []
        } catch {
            return error.diagnostics
        }
    }
}
