import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

@Suite("Expression functions")
struct ExpressionFunctionTests {
    @Test(arguments: [
        ("lower('AbC')", "abc"),
        ("upper('AbC')", "ABC"),
        ("upper('straße')", "STRASSE"),
        ("lower(value.missing)", nil),
        ("upper(null)", nil),
        ("trim(value.name)", "Shoe"),
        ("trim(' \\n\\t x y \\n')", "x y"),
        ("trim('   ')", ""),
        ("trim(null)", nil),
    ] as [(String, JSONValue)])
    func caseAndTrimFunctions(source: String, expected: JSONValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("contains('hello', 'ell')", true),
        ("contains('hello', 'xyz')", false),
        ("contains('hello', '')", true),
        ("contains(value.tags, 'a')", true),
        ("contains(value.tags, 'z')", false),
        ("contains([1, 2], 2.0)", true),
        ("contains([null], null)", true),
        ("contains([[1]], [1])", true),
        ("contains(value.missing, 'a')", nil),
        ("contains('abc', null)", nil),
        ("starts_with('hello', 'he')", true),
        ("starts_with('hello', 'lo')", false),
        ("starts_with('hello', '')", true),
        ("ends_with('hello', 'lo')", true),
        ("ends_with('hello', 'he')", false),
        ("starts_with(null, 'a')", nil),
        ("ends_with('a', null)", nil),
    ] as [(String, JSONValue)])
    func searchFunctions(source: String, expected: JSONValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("concat('a', 'b', 'c')", "abc"),
        ("concat(value.event)", "Product Viewed"),
        ("concat('n=', 1, ' d=', 2.0, ' b=', true)", "n=1 d=2.0 b=true"),
        ("concat('a', null, value.missing, 'b')", "ab"),
        ("concat(null)", ""),
        ("concat('x', [1, 'y'], {k: 'v'})", #"x[1,"y"]{"k":"v"}"#),
        ("concat(key, ':', value.properties.product_id)", "C42:P7"),
    ] as [(String, JSONValue)])
    func concatSkipsNullsAndConvertsOtherValues(source: String, expected: JSONValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("length('hello')", 5),
        ("length('héllo')", 5),
        ("length('😀👍🏽')", 2),
        ("length('')", 0),
        ("length(value.tags)", 2),
        ("length(value.properties)", 2),
        ("length({})", 0),
        ("length(null)", nil),
    ] as [(String, JSONValue)])
    func lengthCountsCharactersElementsOrMembers(source: String, expected: JSONValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("to_string('s')", "s"),
        ("to_string(1)", "1"),
        ("to_string(-12)", "-12"),
        ("to_string(2.0)", "2.0"),
        ("to_string(2.5)", "2.5"),
        ("to_string(true)", "true"),
        ("to_string(false)", "false"),
        ("to_string(null)", nil),
        ("to_string([1, 'a'])", #"[1,"a"]"#),
        ("to_string({a: null})", #"{"a":null}"#),
        ("to_number('42')", 42),
        ("to_number('-4.5')", -4.5),
        ("to_number(' 7 ')", 7),
        ("to_number('1e2')", 100.0),
        ("to_number('99999999999999999999')", 1e20),
        ("to_number('abc')", nil),
        ("to_number('')", nil),
        ("to_number('true')", nil),
        ("to_number('[1]')", nil),
        ("to_number('1e999')", nil),
        ("to_number(3)", 3),
        ("to_number(2.5)", 2.5),
        ("to_number(null)", nil),
    ] as [(String, JSONValue)])
    func conversionFunctions(source: String, expected: JSONValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("is_null(null)", true),
        ("is_null(value.missing)", true),
        ("is_null(value.nothing)", true),
        ("is_null(0)", false),
        ("is_null('')", false),
        ("type_of(null)", "null"),
        ("type_of(value.missing)", "null"),
        ("type_of(true)", "boolean"),
        ("type_of(1)", "number"),
        ("type_of(1.5)", "number"),
        ("type_of('s')", "string"),
        ("type_of([1])", "array"),
        ("type_of(value)", "object"),
        ("coalesce(value.missing, value.nothing, 'default')", "default"),
        ("coalesce(value.event, 'default')", "Product Viewed"),
        ("coalesce(null)", nil),
        ("coalesce(value.zero, 1)", 0),
        ("coalesce(value.event, 1 / 0)", "Product Viewed"),
        ("if(true, 'y', 'n')", "y"),
        ("if(false, 'y', 'n')", "n"),
        ("if(null, 'y', 'n')", "n"),
        ("if(value.zero == 0, 0, 100 / value.zero)", 0),
        ("if(value.flag, value.event, value.event - 1)", "Product Viewed"),
        ("one_of(value.event, 'Product Viewed', 'Product Added')", true),
        ("one_of(value.event, 'Order Completed', 'Product Added')", false),
        ("one_of(2, 1, 2.0)", true),
        ("one_of(null, 1, null)", true),
        ("one_of(value.event, 'Product Viewed', 1 / 0)", true),
        ("with({a: 1, b: 2}, 'b', 3, 'c', null)", .object(["a": 1, "b": 3, "c": nil])),
        ("union([1, 2], [2.0, 3], null, [1])", .array([1, 2, 3])),
        ("union(null)", .array([])),
        ("pluck([{id: 1}, {id: 2, x: 0}, 3], 'id')", .array([1, 2, nil])),
    ] as [(String, JSONValue)])
    func nullAndChoiceFunctions(source: String, expected: JSONValue) throws {
        #expect(try evaluate(source) == expected)
    }
}
