import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

@Suite("Expression evaluation errors")
struct ExpressionEvaluationErrorTests {
    @Test(arguments: [
        ("value.event - 1", "operator '-' cannot be applied to string and int"),
        ("'a' + 1", "operator '+' cannot be applied to string and int"),
        ("true + 1", "operator '+' cannot be applied to bool and int"),
        ("[1] + [2]", "operator '+' cannot be applied to array and array"),
        ("value.properties * 2", "operator '*' cannot be applied to object and int"),
        ("'a' < 1", "operator '<' cannot be applied to string and int"),
        ("true < false", "operator '<' cannot be applied to bool and bool"),
        ("value.tags >= value.tags", "operator '>=' cannot be applied to array and array"),
        ("-'a'", "operator '-' cannot be applied to string"),
        ("not 1", "operator 'not' cannot be applied to int; expected bool or null"),
        ("value.event and true", "operator 'and' cannot be applied to string; expected bool or null"),
        ("true and value.event", "operator 'and' cannot be applied to string; expected bool or null"),
        ("false or 1", "operator 'or' cannot be applied to int; expected bool or null"),
        ("1 / 0", "division by zero"),
        ("1.5 / 0", "division by zero"),
        ("1 / 0.0", "division by zero"),
        ("1 % 0", "modulo by zero"),
        ("1.5 % 0.0", "modulo by zero"),
        ("value.quantity / value.zero", "division by zero"),
        ("value.big + 1", "integer overflow in operator '+' (9223372036854775807 + 1)"),
        ("value.small - 1", "integer overflow in operator '-' (-9223372036854775808 - 1)"),
        ("value.big * 2", "integer overflow in operator '*' (9223372036854775807 * 2)"),
        ("value.small / -1", "integer overflow in operator '/' (-9223372036854775808 / -1)"),
        ("-value.small", "integer overflow in operator '-' (-(-9223372036854775808))"),
        ("1e308 * 10", "operator '*' produced a number too large to represent"),
        ("value[true]", "index must be an int or a string, got bool"),
        ("value.tags[1.0]", "index must be an int or a string, got double"),
        ("lower(1)", "function 'lower' expects a string for argument 1, got int"),
        ("upper(value.tags)", "function 'upper' expects a string for argument 1, got array"),
        ("trim(true)", "function 'trim' expects a string for argument 1, got bool"),
        ("starts_with('a', 1)", "function 'starts_with' expects a string for argument 2, got int"),
        ("ends_with(1, 'a')", "function 'ends_with' expects a string for argument 1, got int"),
        ("contains({}, 'a')", "function 'contains' expects a string or an array for argument 1, got object"),
        ("contains('abc', 1)", "function 'contains' expects a string for argument 2, got int"),
        ("length(1)", "function 'length' expects a string, an array or an object for argument 1, got int"),
        ("to_number(true)", "function 'to_number' expects a string or a number for argument 1, got bool"),
        ("if(1, 2, 3)", "function 'if' expects a bool or null for argument 1, got int"),
        ("union([1], 'a')", "function 'union' expects an array or null for argument 2, got string"),
        ("with(value.tags, 'a', 1)", "function 'with' expects an object for argument 1, got array"),
        ("with({}, 1, 2)", "function 'with' expects a field name (a string) for argument 2, got int"),
        ("with({}, 'a', 1, 'b')", "function 'with' expects a field name followed by its value for argument 4, got string"),
        ("coalesce(value.missing, 1 / 0)", "division by zero"),
        ("concat('a', 1 / 0)", "division by zero"),
    ])
    func invalidOperandsAreEvaluationErrors(source: String, message: String) throws {
        let error = try evaluationError(source)
        #expect(error?.message == message)
        #expect(error?.source == source)
    }

    @Test func errorNamesOffsetCodeAndExpression() throws {
        let error = try #require(try evaluationError("value.event - 1"))
        #expect(error.code == .typeMismatch)
        #expect(error.offset == 12)
        #expect(error.description == "operator '-' cannot be applied to string and int in expression: value.event - 1")
    }

    @Test func errorOffsetPointsAtTheFailingFunctionCall() throws {
        let error = try #require(try evaluationError("value.flag and lower(value.quantity) == 'x'"))
        #expect(error.offset == 15)
    }

    @Test(arguments: [
        ("1 / 0", ExpressionEvaluationError.Code.divisionByZero),
        ("value.big + 1", .integerOverflow),
        ("1e308 * 10", .nonFiniteResult),
        ("'a' - 1", .typeMismatch),
        ("lower(1)", .typeMismatch),
    ])
    func errorCodesClassifyFailures(source: String, code: ExpressionEvaluationError.Code) throws {
        #expect(try evaluationError(source)?.code == code)
    }
}
