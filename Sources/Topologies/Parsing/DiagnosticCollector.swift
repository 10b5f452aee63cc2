/// The problems found so far in one topology file.
///
/// Parsing carries on past a problem so that one run reports every mistake in the file; each part of
/// the parser reports here and returns `nil` for what it could not read, and callers skip whatever
/// depends on that `nil` rather than reporting a consequence of it.
struct DiagnosticCollector {
    private(set) var diagnostics: [TopologyDiagnostic] = []

    /// Whether nothing has been reported.
    var isEmpty: Bool { diagnostics.isEmpty }

    /// Records a problem at `location`.
    mutating func report(_ message: String, at location: SourceLocation) {
        diagnostics.append(TopologyDiagnostic(message, at: location))
    }

    /// Records problems found elsewhere, such as by ``ReferenceValidator``.
    mutating func append(contentsOf others: [TopologyDiagnostic]) {
        diagnostics.append(contentsOf: others)
    }
}
