import StreamCore

/// One problem found in a topology file: where, and what was expected.
public struct TopologyDiagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ message: String, at location: SourceLocation) {
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COLUMN: message`.
    public var description: String { "\(location): \(message)" }
}

/// Every problem found in one topology file, in file order.
public struct TopologyDiagnostics: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [TopologyDiagnostic]

    public init(_ diagnostics: [TopologyDiagnostic]) {
        self.diagnostics = diagnostics.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
