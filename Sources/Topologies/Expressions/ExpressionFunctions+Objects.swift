import Foundation
import StreamCore

extension ExpressionFunction {
    /// Functions over objects used as maps of numbers (counts, weights, scores by name), so that
    /// scoring and ranking kept in an aggregate need no step of their own.
    static let objectFunctions: [ExpressionFunction] = [
        ExpressionFunction("map_values", arguments: 2, binding: .member) { arguments throws(ExpressionEvaluationError) in
            // `map_values(object, EXPR)`: EXPR for each member, which it sees as `item` (the value)
            // and `name`: `map_values(value.counts, item / value.total)`.
            guard let object = try arguments.object(at: 0) else { return .null }
            var expression = arguments.perElement(at: 1)
            var result = JSONObject()
            for (name, item) in object {
                result[name] = try expression.evaluate(item, .string(name))
            }
            return .object(result)
        },
        ExpressionFunction("filter_values", arguments: 2, binding: .member) { arguments throws(ExpressionEvaluationError) in
            // `filter_values(object, CONDITION)`: the members for which CONDITION (over `item` and
            // `name`) is true: `filter_values(value.scores, item >= 0.1)`.
            guard let object = try arguments.object(at: 0) else { return .null }
            var condition = arguments.perElement(at: 1)
            var result = JSONObject()
            for (name, item) in object where try condition.holds(item, .string(name), arguments, argument: 1) {
                result[name] = item
            }
            return .object(result)
        },
        ExpressionFunction("add_values", atLeast: 1) { arguments throws(ExpressionEvaluationError) in
            // `add_values(a, b, ...)`: one object whose members are the sums of the numbers with the
            // same name, for counters kept in state (`add_values(aggregate.counts, value.deltas)`). An
            // argument may also be an array of such objects; null ones add nothing.
            var sums = JSONObject()
            func add(_ value: JSONValue, argument index: Int) throws(ExpressionEvaluationError) {
                switch value {
                case .null:
                    return
                case .array(let elements):
                    for element in elements { try add(element, argument: index) }
                case .object(let object):
                    for (name, number) in object {
                        guard number.doubleValue != nil else { throw arguments.mismatch(argument: index, expected: "objects of numbers", got: number) }
                        sums[name] = try sums[name].map { sum throws(ExpressionEvaluationError) in try BinaryOperator.add.apply(sum, number, offset: arguments.offset) } ?? number
                    }
                case let other:
                    throw arguments.mismatch(argument: index, expected: "an object of numbers or an array of them", got: other)
                }
            }
            for index in 0..<arguments.count { try add(try arguments.value(at: index), argument: index) }
            return .object(sums)
        },
        ExpressionFunction("scale", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            // `scale(object, factor)`: every number member multiplied by factor, for weighting one
            // object of scores before adding it to others.
            guard let object = try arguments.object(at: 0) else { return .null }
            let factor = try arguments.value(at: 1)
            guard factor.doubleValue != nil || factor.isNull else { throw arguments.mismatch(argument: 1, expected: "a number", got: factor) }
            var result = JSONObject()
            for (name, number) in object {
                guard number.doubleValue != nil else { throw arguments.mismatch(argument: 0, expected: "an object of numbers", got: number) }
                result[name] = try BinaryOperator.multiply.apply(number, factor, offset: arguments.offset)
            }
            return .object(result)
        },
        ExpressionFunction("top_entries", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            // `top_entries(object, n)`: the n members with the largest numbers, largest first, ties by
            // name (as `top_keys`, keeping the numbers): a bounded "most similar" list with its scores.
            let count = try arguments.count(at: 1)
            guard let object = try arguments.object(at: 0) else { return .null }
            var result = JSONObject()
            for member in object.rankedByNumber().prefix(count) { result[member.name] = member.value }
            return .object(result)
        },
        ExpressionFunction("sqrt", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            let value = try arguments.value(at: 0)
            if value.isNull { return .null }
            guard let number = value.doubleValue, number >= 0 else {
                throw arguments.mismatch(argument: 0, expected: "a non-negative number", got: value)
            }
            return .double(number.squareRoot())
        },
        ExpressionFunction("exp", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            // `exp(x)`: e to the x, for exponential decay over time (`exp(-age / tau)`).
            let value = try arguments.value(at: 0)
            if value.isNull { return .null }
            guard let number = value.doubleValue else { throw arguments.mismatch(argument: 0, expected: "a number", got: value) }
            let result = Foundation.exp(number)
            guard result.isFinite else {
                throw ExpressionEvaluationError(code: .nonFiniteResult, message: "exp(\(number)) is too large to represent", offset: arguments.offset)
            }
            return .double(result)
        },
    ]
}

extension ExpressionArguments {
    /// Evaluates argument `index` as an object; nil if it is null.
    func object(at index: Int) throws(ExpressionEvaluationError) -> JSONObject? {
        switch try value(at: index) {
        case .null: return nil
        case .object(let object): return object
        case let other: throw mismatch(argument: index, expected: "an object", got: other)
        }
    }
}
