import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

// What the expression suites share: a record shaped like the shop's events and ways to evaluate
// an expression against it.

/// The roots a topology step passes.
let stepRoots = ["key", "value", "headers", "timestamp"]

/// A record shaped like the shop's events, with a few fields for edge cases.
let record = ExpressionScope(
    roots: stepRoots,
    values: [
        "C42",
        [
            "type": "track",
            "event": "Product Viewed",
            "price": 59.99,
            "quantity": 2,
            "name": "  Shoe  ",
            "tags": ["a", "b"],
            "products": [
                ["product_id": "P7", "quantity": 2],
                ["product_id": "P8", "quantity": 1],
            ],
            "properties": ["product_id": "P7", "category": "shoes"],
            "odd key": 1,
            "nothing": nil,
            "flag": true,
            "zero": 0,
            "big": .int(.max),
            "small": .int(.min),
            "nested": ["not": 1, "null": 2],
        ],
        ["source": "web"],
        1_700_000_000_000,
    ]
)

func evaluate(_ source: String, in scope: ExpressionScope = record) throws -> JSONValue {
    try ExpressionParser.parse(source, roots: scope.roots).evaluate(in: scope)
}

/// The syntax error parsing `source` produces, or nil if it parsed.
func syntaxError(_ source: String, roots: [String] = stepRoots) -> ExpressionSyntaxError? {
    do {
        _ = try ExpressionParser.parse(source, roots: roots)
        return nil
    } catch {
        return error
    }
}

/// The evaluation error `source` produces against ``record``, or nil if it
/// evaluated (a syntax error fails the test).
func evaluationError(_ source: String) throws -> ExpressionEvaluationError? {
    let expression = try ExpressionParser.parse(source, roots: stepRoots)
    do {
        _ = try expression.evaluate(in: record)
        return nil
    } catch {
        return error
    }
}
