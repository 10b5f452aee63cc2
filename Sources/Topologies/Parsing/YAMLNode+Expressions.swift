extension YAMLNode {
    /// This scalar's text parsed as an expression over `roots`.
    ///
    /// Reports an ``ExpressionSyntaxError`` with its own message at the offending token's column
    /// (see ``location(atCharacterOffset:)``), and a collection or an empty value as
    /// `expected an expression for 'FIELD', got …`.
    ///
    /// - Parameter field: the key the expression is written under, for messages.
    func expression(for field: String, roots: [String], _ diagnostics: inout DiagnosticCollector) -> ExpressionText? {
        guard let text, !isEmpty else {
            diagnostics.report("expected an expression for '\(field)', got \(shapeDescription)", at: location)
            return nil
        }
        do {
            let expression = try ExpressionParser.parse(text, roots: roots)
            return ExpressionText(expression, at: location(atCharacterOffset: 0))
        } catch {
            diagnostics.report(error.message, at: location(atCharacterOffset: error.offset))
            return nil
        }
    }

    /// This node read as a ``ValueTemplate``: a mapping is an object (keys in written order), a
    /// sequence an array, a scalar an expression over `roots`.
    ///
    /// Every problem anywhere inside is reported; the template is `nil` if there was any.
    func template(for field: String, roots: [String], _ diagnostics: inout DiagnosticCollector) -> ValueTemplate? {
        if let entries {
            var members: [(key: String, value: ValueTemplate)] = []
            var names: Set<String> = []
            var isComplete = true
            for entry in entries {
                guard let name = entry.key.string("a field name", for: "the template of '\(field)'", &diagnostics)?.value else {
                    isComplete = false
                    continue
                }
                guard names.insert(name).inserted else {
                    diagnostics.report("duplicate field '\(name)' in the template of '\(field)'", at: entry.key.location)
                    isComplete = false
                    continue
                }
                if let value = entry.value.template(for: name, roots: roots, &diagnostics) {
                    members.append((name, value))
                } else {
                    isComplete = false
                }
            }
            return isComplete ? .object(members) : nil
        }
        if let elements {
            var values: [ValueTemplate] = []
            for element in elements {
                if let value = element.template(for: field, roots: roots, &diagnostics) { values.append(value) }
            }
            return values.count == elements.count ? .array(values) : nil
        }
        return expression(for: field, roots: roots, &diagnostics).map { .expression($0) }
    }
}
