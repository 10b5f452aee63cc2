/// The fields of one mapping of the DSL, checked against the fields it may have.
///
/// Reports a field it does not know (listing the ones it does), a field written twice, and, through
/// ``required(_:_:)``, a field that is missing.
struct YAMLFields {
    /// What the mapping is, as messages name it: `source 'tracking'`, `the topology`.
    let owner: String
    /// Where a missing field is reported: the key that names the owner, or the mapping itself.
    let ownerLocation: SourceLocation
    private var fields: [String: YAMLNode.Entry] = [:]

    /// Reads `node`'s fields, reporting any not in `allowed`, or the node if it is not a mapping.
    ///
    /// - Returns: `nil` if `node` is not a mapping.
    init?(_ node: YAMLNode, of owner: String, at ownerLocation: SourceLocation, allowed: [String], _ diagnostics: inout DiagnosticCollector) {
        guard let entries = node.mapping(for: owner, &diagnostics) else { return nil }
        self.owner = owner
        self.ownerLocation = ownerLocation
        for entry in entries {
            guard let name = entry.key.string("a field name", for: owner, &diagnostics)?.value else { continue }
            if !allowed.contains(name) {
                diagnostics.report(
                    "unknown field '\(name)' in \(owner); expected one of: \(allowed.sorted().joined(separator: ", "))",
                    at: entry.key.location
                )
            } else if fields[name] != nil {
                diagnostics.report("duplicate field '\(name)' in \(owner)", at: entry.key.location)
            } else {
                fields[name] = entry
            }
        }
    }

    /// The value of field `name`, if written.
    subscript(_ name: String) -> YAMLNode? {
        fields[name]?.value
    }

    /// The key of field `name`, if written.
    func key(_ name: String) -> YAMLNode? {
        fields[name]?.key
    }

    /// The value of field `name`; reports `missing required field` if it is not written.
    func required(_ name: String, _ diagnostics: inout DiagnosticCollector) -> YAMLNode? {
        guard let value = self[name] else {
            diagnostics.report("missing required field '\(name)' in \(owner)", at: ownerLocation)
            return nil
        }
        return value
    }
}
