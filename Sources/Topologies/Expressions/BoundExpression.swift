import StreamCore

/// The argument of a binding function (`map_values`, `filter`, `reduce`, ...), evaluated once per
/// element of a collection with the function's ``ArgumentBinding`` names (`item` and `name`,
/// `item` and `index`, `acc` and `item`) set for that element.
///
/// The parser resolves those names to the slots just past the enclosing scope's, so one scope,
/// extended once, serves every element: each evaluation only overwrites the bound slots.
struct BoundExpression {
    private let node: ExpressionNode
    private var scope: ExpressionScope
    private let firstSlot: Int

    init(node: ExpressionNode, scope: ExpressionScope, names: [String]) {
        self.node = node
        firstSlot = scope.roots.count
        self.scope = ExpressionScope(
            roots: scope.roots + names,
            values: scope.values + Array(repeating: .null, count: names.count)
        )
    }

    /// The argument's value with the two bound names set to `first` and `second`, in the order the
    /// binding names them.
    mutating func evaluate(_ first: JSONValue, _ second: JSONValue) throws(ExpressionEvaluationError) -> JSONValue {
        scope[slot: firstSlot] = first
        scope[slot: firstSlot + 1] = second
        return try node.evaluate(in: scope)
    }
}
