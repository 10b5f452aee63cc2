import StreamCore

/// The values an expression's names stand for while it is evaluated, such as
/// one record's `key`, `value`, `headers` and `timestamp`.
///
/// Values are stored by slot — a root's position in the `roots` list the
/// expression was parsed with — so evaluation reads an array element instead of
/// looking a name up. A step that evaluates expressions per record can keep one
/// scope and overwrite its slots for each record, which allocates nothing once
/// the scope's storage is uniquely owned.
///
/// - Important: evaluate an expression only in a scope built from the same
///   `roots` list, in the same order, that it was parsed with.
public struct ExpressionScope: Sendable {
    /// The root names, in slot order.
    public let roots: [String]
    /// The value of each root, in slot order.
    public private(set) var values: [JSONValue]

    /// A scope with `values[i]` bound to `roots[i]`.
    ///
    /// - Precondition: `roots` and `values` have the same count.
    public init(roots: [String], values: [JSONValue]) {
        precondition(roots.count == values.count, "ExpressionScope needs one value per root: \(roots.count) roots, \(values.count) values")
        self.roots = roots
        self.values = values
    }

    /// A scope with every root bound to null, to be filled in by slot or name.
    public init(roots: [String]) {
        self.init(roots: roots, values: Array(repeating: .null, count: roots.count))
    }

    /// The slot of the root called `name`, if there is one; look it up once and
    /// use ``subscript(slot:)`` per record.
    public func slot(of name: String) -> Int? {
        roots.firstIndex(of: name)
    }

    /// The value in `slot` (the position of its name in ``roots``).
    public subscript(slot slot: Int) -> JSONValue {
        get { values[slot] }
        set { values[slot] = newValue }
    }

    /// The value of the root called `name`.
    ///
    /// - Precondition: `name` is one of ``roots``.
    public subscript(name: String) -> JSONValue {
        get { values[requireSlot(of: name)] }
        set { values[requireSlot(of: name)] = newValue }
    }

    private func requireSlot(of name: String) -> Int {
        guard let slot = slot(of: name) else {
            preconditionFailure("'\(name)' is not a root of this scope; roots are \(roots)")
        }
        return slot
    }
}
