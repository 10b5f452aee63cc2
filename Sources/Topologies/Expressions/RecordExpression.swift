import StreamCore

/// A compiled expression from a topology file: a filter, a mapping, a key
/// selector or a join condition.
///
/// Create one with ``ExpressionParser/parse(_:roots:)`` when the topology loads,
/// then evaluate it per record. Names are resolved to slots, functions looked up
/// and constant subexpressions computed at parse time, so evaluation walks a
/// small tree without string lookups or dictionary access beyond reading the
/// record's own fields.
///
/// Semantics in brief: field access is null-safe (missing → null); `==` is deep
/// equality with `1 == 1.0`; ordering comparisons involving null are false;
/// arithmetic propagates null; `and`/`or`/`not` treat null as false. The full
/// rules are in docs/DSL.md.
public struct RecordExpression: Sendable, CustomStringConvertible {
    /// The text the expression was parsed from.
    public let source: String
    /// The root names the expression was parsed with, in slot order; scopes it
    /// is evaluated in must use the same list.
    public let roots: [String]
    /// The roots the expression actually reads, in slot order, so a caller can
    /// skip preparing values (such as decoding headers) nobody uses.
    public let referencedRoots: [String]
    let node: ExpressionNode

    init(source: String, roots: [String], referencedRoots: [String], node: ExpressionNode) {
        self.source = source
        self.roots = roots
        self.referencedRoots = referencedRoots
        self.node = node
    }

    /// The source text.
    public var description: String { source }

    /// The expression's value, if it is the same for every record (for example
    /// `true`, or `1 + 2`), so a topology compiler can warn about or simplify it.
    public var constantValue: JSONValue? {
        if case .literal(let value) = node { return value }
        return nil
    }

    /// Evaluates the expression.
    ///
    /// - Parameter scope: the roots' values, built from the same root list as ``roots``.
    /// - Throws: ``ExpressionEvaluationError`` when an operator or function is
    ///   applied to values it does not accept; missing data is null, not an error.
    public func evaluate(in scope: ExpressionScope) throws(ExpressionEvaluationError) -> JSONValue {
        assert(scope.roots == roots, "expression parsed with roots \(roots) evaluated in a scope with roots \(scope.roots)")
        do {
            return try node.evaluate(in: scope)
        } catch var error {
            error.source = source
            throw error
        }
    }

    /// Evaluates the expression as a condition: `true` passes, `false` and null
    /// (such as a comparison against a missing field) do not.
    ///
    /// - Throws: ``ExpressionEvaluationError`` if evaluation fails or yields
    ///   anything but a boolean or null, because a filter like `value.name`
    ///   (forgetting `!= null`) is almost certainly a mistake.
    public func isSatisfied(in scope: ExpressionScope) throws(ExpressionEvaluationError) -> Bool {
        switch try evaluate(in: scope) {
        case .bool(let flag):
            return flag
        case .null:
            return false
        case let other:
            throw ExpressionEvaluationError(
                code: .notBoolean,
                message: "filter expression must yield a boolean, got \(other.typeName)",
                offset: 0,
                source: source
            )
        }
    }
}

extension ExpressionNode {
    /// Evaluates this node; errors carry offsets but not yet the source text.
    func evaluate(in scope: ExpressionScope) throws(ExpressionEvaluationError) -> JSONValue {
        switch self {
        case .literal(let value):
            return value
        case .root(let slot):
            return scope.values[slot]
        case .path(let base, let components):
            var current = try base.evaluate(in: scope)
            for component in components {
                current = component.select(from: current)
                if case .null = current { break }
            }
            return current
        case .dynamicIndex(let base, let index, let offset):
            let container = try base.evaluate(in: scope)
            switch try index.evaluate(in: scope) {
            case .int(let position):
                return PathComponent.index(Int(exactly: position) ?? -1).select(from: container)
            case .string(let name):
                return PathComponent.field(name).select(from: container)
            case .null:
                return .null
            case let other:
                throw ExpressionEvaluationError(
                    code: .typeMismatch,
                    message: "index must be an int or a string, got \(other.typeName)",
                    offset: offset
                )
            }
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements {
                values.append(try element.evaluate(in: scope))
            }
            return .array(values)
        case .object(let keys, let valueNodes):
            var object = JSONObject()
            object.reserveCapacity(keys.count)
            for (key, valueNode) in zip(keys, valueNodes) {
                object[key] = try valueNode.evaluate(in: scope)
            }
            return .object(object)
        case .negate(let operand, let offset):
            switch try operand.evaluate(in: scope) {
            case .null:
                return .null
            case .int(let integer):
                let (negated, overflow) = Int64(0).subtractingReportingOverflow(integer)
                guard !overflow else {
                    throw ExpressionEvaluationError(code: .integerOverflow, message: "integer overflow in operator '-' (-(\(integer)))", offset: offset)
                }
                return .int(negated)
            case .double(let double):
                return .double(-double)
            case let other:
                throw ExpressionEvaluationError(code: .typeMismatch, message: "operator '-' cannot be applied to \(other.typeName)", offset: offset)
            }
        case .not(let operand, let offset):
            return .bool(!(try operand.truth(in: scope, operatorName: "not", offset: offset)))
        case .and(let lhs, let rhs, let offset):
            guard try lhs.truth(in: scope, operatorName: "and", offset: offset) else { return .bool(false) }
            return .bool(try rhs.truth(in: scope, operatorName: "and", offset: offset))
        case .or(let lhs, let rhs, let offset):
            if try lhs.truth(in: scope, operatorName: "or", offset: offset) { return .bool(true) }
            return .bool(try rhs.truth(in: scope, operatorName: "or", offset: offset))
        case .binary(let binaryOperator, let lhs, let rhs, let offset):
            return try binaryOperator.apply(try lhs.evaluate(in: scope), try rhs.evaluate(in: scope), offset: offset)
        case .call(let function, let arguments, let offset):
            return try function.implementation(
                ExpressionArguments(functionName: function.name, binding: function.binding, nodes: arguments, scope: scope, offset: offset)
            )
        }
    }

    /// Evaluates this node as an operand of a logical operator: null is false,
    /// anything other than a boolean is an error.
    private func truth(in scope: ExpressionScope, operatorName: String, offset: Int) throws(ExpressionEvaluationError) -> Bool {
        switch try evaluate(in: scope) {
        case .bool(let flag):
            return flag
        case .null:
            return false
        case let other:
            throw ExpressionEvaluationError(
                code: .typeMismatch,
                message: "operator '\(operatorName)' cannot be applied to \(other.typeName); expected bool or null",
                offset: offset
            )
        }
    }
}
