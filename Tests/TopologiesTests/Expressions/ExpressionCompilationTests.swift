import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

@Suite("Expression compilation and scopes")
struct ExpressionCompilationTests {
    @Test func rootsAreWhateverTheCallerDeclares() throws {
        let roots = ["left", "right"]
        let expression = try ExpressionParser.parse("left.id == right.order_id and right.amount > 10", roots: roots)
        let scope = ExpressionScope(roots: roots, values: [["id": "O-1"], ["order_id": "O-1", "amount": 12.5]])
        #expect(try expression.isSatisfied(in: scope))
        #expect(syntaxError("value.a", roots: roots)?.message == "unknown name 'value'; expected one of: left, right")
    }

    @Test func referencedRootsListsOnlyNamesTheExpressionReads() throws {
        #expect(try ExpressionParser.parse("value.a == key", roots: stepRoots).referencedRoots == ["key", "value"])
        #expect(try ExpressionParser.parse("1 + 2", roots: stepRoots).referencedRoots == [])
        #expect(try ExpressionParser.parse("headers.x", roots: stepRoots).roots == stepRoots)
    }

    @Test func constantSubexpressionsAreComputedAtParseTime() throws {
        #expect(try ExpressionParser.parse("1 + 2 * 3", roots: stepRoots).constantValue == 7)
        #expect(try ExpressionParser.parse("lower('ABC') + '!'", roots: stepRoots).constantValue == "abc!")
        #expect(try ExpressionParser.parse("[1, {a: -2}][1].a", roots: stepRoots).constantValue == -2)
        #expect(try ExpressionParser.parse("value.a", roots: stepRoots).constantValue == nil)
        #expect(try ExpressionParser.parse("false and value.a", roots: stepRoots).constantValue == nil)
    }

    @Test func failingConstantSubexpressionFailsAtEvaluation() throws {
        let expression = try ExpressionParser.parse("1 / 0", roots: stepRoots)
        #expect(expression.constantValue == nil)
        #expect(throws: ExpressionEvaluationError.self) { try expression.evaluate(in: record) }
    }

    @Test func descriptionIsTheSource() throws {
        #expect(try ExpressionParser.parse(" value.a  ==1", roots: stepRoots).description == " value.a  ==1")
    }

    @Test func scopeStartsNullAndIsFilledByNameOrSlot() throws {
        var scope = ExpressionScope(roots: stepRoots)
        let expression = try ExpressionParser.parse("concat(key, '/', value.id)", roots: stepRoots)
        #expect(try expression.evaluate(in: scope) == "/")
        scope["key"] = "k1"
        let valueSlot = try #require(scope.slot(of: "value"))
        scope[slot: valueSlot] = ["id": 7]
        #expect(scope["value"] == ["id": 7])
        #expect(try expression.evaluate(in: scope) == "k1/7")
        scope[slot: valueSlot] = ["id": 8]
        #expect(try expression.evaluate(in: scope) == "k1/8")
        #expect(scope.slot(of: "nope") == nil)
    }
}
