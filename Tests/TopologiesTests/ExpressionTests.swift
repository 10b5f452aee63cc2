import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

/// The roots a topology step passes.
private let stepRoots = ["key", "value", "headers", "timestamp"]

/// A record shaped like the shop's events, with a few fields for edge cases.
private let record = ExpressionScope(
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

private func evaluate(_ source: String, in scope: ExpressionScope = record) throws -> JSONValue {
    try ExpressionParser.parse(source, roots: scope.roots).evaluate(in: scope)
}

/// The syntax error parsing `source` produces, or nil if it parsed.
private func syntaxError(_ source: String, roots: [String] = stepRoots) -> ExpressionSyntaxError? {
    do {
        _ = try ExpressionParser.parse(source, roots: roots)
        return nil
    } catch {
        return error
    }
}

/// The evaluation error `source` produces against ``record``, or nil if it
/// evaluated (a syntax error fails the test).
private func evaluationError(_ source: String) throws -> ExpressionEvaluationError? {
    let expression = try ExpressionParser.parse(source, roots: stepRoots)
    do {
        _ = try expression.evaluate(in: record)
        return nil
    } catch {
        return error
    }
}

@Suite("Expression field access")
struct ExpressionFieldAccessTests {
    @Test(arguments: [
        ("key", "C42"),
        ("timestamp", 1_700_000_000_000),
        ("headers.source", "web"),
        ("value.event", "Product Viewed"),
        ("value.properties.product_id", "P7"),
        ("value.products[0].product_id", "P7"),
        ("value.products[1]['product_id']", "P8"),
        ("value[\"odd key\"]", 1),
        ("value.nested.not", 1),
        ("value.nested.null", 2),
        ("(value).event", "Product Viewed"),
        ("{'a': value.products}.a[1].quantity", 1),
        ("[10, 20, 30][1]", 20),
    ] as [(String, JSONValue)])
    func fieldPathsReadNestedValues(source: String, expected: JSONValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        "value.missing",
        "value.missing.deeper[3]",
        "value.nothing.x",
        "value.products[5]",
        "value.products[-1]",
        "value.event.length",
        "value.tags[0][0]",
        "value[0]",
        "value.products['0']",
        "timestamp.seconds",
        "null.x",
        "value[value.missing]",
    ])
    func missingFieldYieldsNull(source: String) throws {
        #expect(try evaluate(source) == .null)
    }

    @Test(arguments: [
        ("value.products[value.zero].product_id", "P7"),
        ("value.tags[length(value.tags) - 1]", "b"),
        ("value[concat('prop', 'erties')].category", "shoes"),
        ("value.properties[value.properties.category + '_x']", nil),
        ("headers[lower('SOURCE')]", "web"),
        ("value.products[4 / 2 - 1].product_id", "P8"),
    ] as [(String, JSONValue)])
    func computedIndexSelectsElementOrMember(source: String, expected: JSONValue) throws {
        #expect(try evaluate(source) == expected)
    }
}

@Suite("Expression literals")
struct ExpressionLiteralTests {
    @Test(arguments: [
        ("42", 42),
        ("-5", -5),
        ("4.5", 4.5),
        ("1e3", 1000.0),
        ("2.5E-1", 0.25),
        ("99999999999999999999", 1e20),
        ("true", true),
        ("false", false),
        ("null", nil),
        ("'single'", "single"),
        ("\"double\"", "double"),
        (#"'it\'s'"#, "it's"),
        (#""say \"hi\"""#, "say \"hi\""),
        (#"'a\nb\tc\rd\\e\/f'"#, "a\nb\tc\rd\\e/f"),
        (#"'\u00e9\u4E2D'"#, "é中"),
        (#"'\ud83d\ude00'"#, "😀"),
        ("'naïve 😀'", "naïve 😀"),
        ("[]", []),
        ("[1, 'a', null, [true]]", [1, "a", nil, [true]]),
        ("{}", [:]),
        ("{\"k\": 1, other: value.event, 'and': 2}", ["k": 1, "other": "Product Viewed", "and": 2]),
    ] as [(String, JSONValue)])
    func literalsEvaluateToTheirValues(source: String, expected: JSONValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test func withReplacesFieldsInPlaceAndAddsNewOnesAtTheEnd() throws {
        #expect(try evaluate("with({z: 1, a: 2}, 'z', 0, 'n', value.quantity)").jsonString == #"{"z":0,"a":2,"n":2}"#)
    }

    @Test func mergeSetsLaterFieldsOnACopyOfTheFirstAndWithoutRemovesFields() throws {
        #expect(try evaluate("merge({a: 1, b: 2}, {b: 3, c: 4}, null)").jsonString == #"{"a":1,"b":3,"c":4}"#)
        #expect(try evaluate("merge({a: 1}, {})").jsonString == #"{"a":1}"#)
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("merge({a: 1}, [1])") }
        #expect(try evaluate("without({a: 1, b: 2, c: 3}, 'b', 'x', null)").jsonString == #"{"a":1,"c":3}"#)
        #expect(try evaluate("without(value.missing, 'a')") == .null)
        #expect(try evaluate("values({a: 1, b: [2]})") == [1, [2]])
        #expect(try evaluate("keys({a: 1, b: 2})") == ["a", "b"])
        #expect(try evaluate("values(null)") == .null)
    }

    @Test func casesPicksTheFirstConditionThatHoldsAndEvaluatesNothingElse() throws {
        #expect(try evaluate("cases(false, 1, null, 2, true, 3, 1 / 0)") == 3)
        #expect(try evaluate("cases(1 > 2, 'a', 'otherwise')") == "otherwise")
        #expect(try evaluate("cases(true, 'a', 1 / 0)") == "a")
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("cases('x', 1, 2)") }
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("cases(false, 1, true, 2)") }
    }

    @Test func envReadsASettingFromTheEnvironmentWithADefault() throws {
        setenv("TRIBUTARY_TEST_AMOUNT", "2500", 1)
        setenv("TRIBUTARY_TEST_REGION", "eu-west", 1)
        #expect(try evaluate("env('TRIBUTARY_TEST_AMOUNT', 1000)") == 2500)
        #expect(try evaluate("env('TRIBUTARY_TEST_REGION', 'us')") == "eu-west")
        #expect(try evaluate("env('TRIBUTARY_TEST_UNSET', 1000)") == 1000)
    }

    @Test func minAndMaxPickANumberAndPropagateNull() throws {
        #expect(try evaluate("min(3, 1.5, 2)") == 1.5)
        #expect(try evaluate("max(3, 1.5, 7)") == 7)
        #expect(try evaluate("min(value.quantity / 90, 1)") == .double(2.0 / 90))
        #expect(try evaluate("max(1, value.missing)") == .null)
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("min(1, 'a')") }
    }

    @Test func roundKeepsMoneyExactToTheCent() throws {
        #expect(try evaluate("round(0.1 + 0.2, 2)") == 0.3)
        #expect(try evaluate("round(2.375, 2)") == 2.38)
        #expect(try evaluate("round(-2.5, 0)") == -3)
        #expect(try evaluate("round(7, 2)") == 7)
        #expect(try evaluate("round(value.missing, 2)") == .null)
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("round(1.5, 12)") }
    }

    @Test func isoTimeWritesEpochMillisecondsAsUTC() throws {
        #expect(try evaluate("iso_time(1795773600000)") == "2026-11-27T10:00:00.000Z")
        #expect(try evaluate("iso_time('2026-11-27T10:00:00Z')") == "2026-11-27T10:00:00.000Z")
        #expect(try evaluate("iso_time('soon')") == .null)
    }

    @Test func substringCutsByCharactersAndTopKeysRanksCountsWithTiesByName() throws {
        #expect(try evaluate("substring('2026-11-27T14:05:00.000Z', 0, 13)") == "2026-11-27T14")
        #expect(try evaluate("substring('héllo', 1, 99)") == "éllo")
        #expect(try evaluate("substring(value.missing, 0, 2)") == .null)
        #expect(try evaluate("top_keys({shoes: 3, bags: 5, hats: 3, socks: 1}, 3)") == ["bags", "hats", "shoes"])
        #expect(try evaluate("top_keys({a: 1, b: 'x'}, 5)") == ["a"])
        #expect(try evaluate("top_keys({}, 3)") == [])
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("top_keys([1], 3)") }
        #expect(try evaluate("join(top_keys({shoes: 3, bags: 5}, 3), ';')") == "bags;shoes")
        #expect(try evaluate("join(['a', null, 2], '-')") == "a-2")
        #expect(try evaluate("take_last(append(append(null, 1), 2, 3), 2)") == [2, 3])
        #expect(try evaluate("epoch_ms('1970-01-01T00:00:01.500Z')") == 1500)
        #expect(try evaluate("epoch_ms('soon')") == .null)
    }

    @Test func mapValuesAndFilterValuesSeeEachMemberAsItemAndName() throws {
        #expect(try evaluate("map_values({a: 1, b: 2}, item * value.quantity)").jsonString == #"{"a":2,"b":4}"#)
        #expect(try evaluate("map_values({a: 1, b: 2}, concat(name, '=', item))").jsonString == #"{"a":"a=1","b":"b=2"}"#)
        #expect(try evaluate("filter_values({a: 1, b: 5, c: null}, item > 2)").jsonString == #"{"b":5}"#)
        #expect(try evaluate("map_values(value.missing, item)") == .null)
        // The innermost binding wins; outside the call the names are unknown again.
        #expect(try evaluate("map_values({a: {x: 1}, b: {x: 2, y: 3}}, map_values(item, item * 10))").jsonString == #"{"a":{"x":10},"b":{"x":20,"y":30}}"#)
        #expect(try evaluate("map_values({a: {x: 1}}, length(map_values(item, name)))").jsonString == #"{"a":1}"#)
        #expect(syntaxError("map_values({a: 1}, item) == item")?.message.contains("unknown name 'item'") == true)
        #expect(syntaxError("item + 1", roots: stepRoots + ["item"]) == nil)
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("filter_values({a: 1}, item)") }
    }

    @Test func objectsOfNumbersAddScaleAndRank() throws {
        #expect(try evaluate("add_values({a: 1, b: 2}, {b: 3, c: 0.5}, null)").jsonString == #"{"a":1,"b":5,"c":0.5}"#)
        #expect(try evaluate("add_values([{a: 1}, {a: 2}], {a: 3})").jsonString == #"{"a":6}"#)
        #expect(try evaluate("add_values(null)").jsonString == "{}")
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("add_values({a: 'x'})") }
        #expect(try evaluate("scale({a: 2, b: 0.5}, 3)").jsonString == #"{"a":6,"b":1.5}"#)
        #expect(try evaluate("top_entries({a: 0.5, b: 0.9, c: 0.5, d: 'x'}, 2)").jsonString == #"{"b":0.9,"a":0.5}"#)
        #expect(try evaluate("sqrt(16)") == 4.0)
        #expect(try evaluate("sqrt(value.missing)") == .null)
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("sqrt(-1)") }
        #expect(try evaluate("exp(0)") == 1.0)
        #expect(try evaluate("round(exp(-1), 4)") == 0.3679)
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("exp(1000)") }
    }

    @Test func withoutRemovesNamesOrElementsAndTakeFirstCutsALeadingRun() throws {
        #expect(try evaluate("without({a: 1, b: 2, c: 3}, ['a', 'c'])").jsonString == #"{"b":2}"#)
        #expect(try evaluate("without(['P1', 'P2', 'P3', 'P2'], 'P2', ['P3'])") == ["P1"])
        #expect(try evaluate("take_first(['a', 'b', 'c'], 2)") == ["a", "b"])
        #expect(try evaluate("take_first(value.missing, 2)") == .null)
        #expect(throws: ExpressionEvaluationError.self) { try evaluate("take_first(['a'], -1)") }
    }

    @Test func objectLiteralKeepsKeyOrder() throws {
        let value = try evaluate("{z: 1, a: 2, m: value.quantity}")
        #expect(value.objectValue?.keys == ["z", "a", "m"])
        #expect(value.jsonString == #"{"z":1,"a":2,"m":2}"#)
    }
}

@Suite("Expression operators")
struct ExpressionOperatorTests {
    @Test(arguments: [
        ("1 == 1", true),
        ("1 == 1.0", true),
        ("1 != 1.0", false),
        ("1 != 2", true),
        ("null == null", true),
        ("value.missing == null", true),
        ("value.nothing != null", false),
        ("'a' == 'a'", true),
        ("'1' == 1", false),
        ("true == 1", false),
        ("null == false", false),
        ("[1, 2] == [1.0, 2]", true),
        ("[1, 2] == [2, 1]", false),
        ("{a: 1, b: 2} == {b: 2.0, a: 1}", true),
        ("value.products[0] == {product_id: 'P7', quantity: 2}", true),
        ("9007199254740993 == 9007199254740992.0", false),
    ] as [(String, Bool)])
    func equalityIsDeepAndNumeric(source: String, expected: Bool) throws {
        #expect(try evaluate(source) == .bool(expected))
    }

    @Test(arguments: [
        ("1 < 2", true),
        ("2 < 1", false),
        ("2 <= 2", true),
        ("3 > 2.5", true),
        ("2.5 >= 3", false),
        ("2.0 >= 2", true),
        ("-1 < -0.5", true),
        ("9007199254740993 > 9007199254740992.0", true),
        ("9223372036854775807 < 9223372036854775808.0", true),
        ("'abc' < 'abd'", true),
        ("'b' > 'a'", true),
        ("'a' <= 'a'", true),
        ("'B' < 'a'", true),
        ("value.price > 50", true),
        ("value.quantity >= value.products[1].quantity", true),
    ] as [(String, Bool)])
    func orderingComparesNumbersAndStrings(source: String, expected: Bool) throws {
        #expect(try evaluate(source) == .bool(expected))
    }

    @Test(arguments: [
        "value.missing < 1", "value.missing <= 1", "value.missing > 1", "value.missing >= 1",
        "1 < null", "null <= null", "null >= null", "'a' > null", "null < [1]",
    ])
    func orderingWithNullIsFalse(source: String) throws {
        #expect(try evaluate(source) == false)
    }

    @Test(arguments: [
        ("true and true", true),
        ("true and false", false),
        ("true && true", true),
        ("false or true", true),
        ("false or false", false),
        ("false || true", true),
        ("not true", false),
        ("not false", true),
        ("!true", false),
        ("!!true", true),
        ("not null", true),
        ("not value.missing", true),
        ("null and true", false),
        ("null or true", true),
        ("null or null", false),
        ("value.flag and value.quantity == 2", true),
    ] as [(String, Bool)])
    func logicalOperatorsTreatNullAsFalse(source: String, expected: Bool) throws {
        #expect(try evaluate(source) == .bool(expected))
    }

    @Test(arguments: [
        "false and 1",
        "false and value.event",
        "value.missing and 1 / 0 == 1",
        "true or 'x'",
        "value.flag or value.event - 1 == 0",
    ])
    func logicalOperatorsShortCircuit(source: String) throws {
        #expect(try evaluate(source).boolValue != nil)
    }

    @Test(arguments: [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 2 - 3", 5),
        ("2 * 3 % 4", 2),
        ("-2 * 3", -6),
        ("--1", 1),
        ("-(1 + 2)", -3),
        ("not 1 == 2", true),
        ("!1 == 2", true),
        ("true or false and false", true),
        ("(true or false) and false", false),
        ("not false and false", false),
        ("1 + 2 == 3 and 'a' < 'b'", true),
        ("1 < 2 == true", nil),
    ] as [(String, JSONValue?)])
    func precedenceFollowsTheGrammar(source: String, expected: JSONValue?) throws {
        if let expected {
            #expect(try evaluate(source) == expected)
        } else {
            // Comparisons do not chain, even when one of them is `==`.
            #expect(syntaxError(source)?.code == .unexpectedToken)
        }
    }

    @Test(arguments: [
        ("7 + 2", 9),
        ("7 - 2", 5),
        ("7 * 2", 14),
        ("8 / 2", 4),
        ("-8 / 2", -4),
        ("7 / 2", 3.5),
        ("-7 / 2", -3.5),
        ("1 / 3", 0.3333333333333333),
        ("7 % 3", 1),
        ("-7 % 3", -1),
        ("7.5 % 2", 1.5),
        ("1 + 0.5", 1.5),
        ("0.1 + 0.2", 0.30000000000000004),
        ("2 * 1.5", 3.0),
        ("3.0 / 1", 3.0),
        ("4.0 - 4", 0.0),
        ("'a' + 'b'", "ab"),
        ("value.event + '!'", "Product Viewed!"),
        ("value.quantity * value.price", 119.98),
        ("-value.quantity", -2),
        ("-value.price", -59.99),
        ("-9223372036854775807 - 1", .int(.min)),
        ("value.small % -1", 0),
        ("value.big / 1", .int(.max)),
    ] as [(String, JSONValue)])
    func arithmeticKeepsIntegersExactWhenItCan(source: String, expected: JSONValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        "value.missing + 1", "1 - null", "null * 'x'", "value.nothing / 0", "5 % null", "-null", "-value.missing",
    ])
    func nullPropagatesThroughArithmetic(source: String) throws {
        #expect(try evaluate(source) == .null)
    }
}

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

@Suite("Expression filters")
struct ExpressionFilterTests {
    private func isSatisfied(_ source: String) throws -> Bool {
        try ExpressionParser.parse(source, roots: stepRoots).isSatisfied(in: record)
    }

    @Test func trueSatisfiesTheFilter() throws {
        #expect(try isSatisfied("value.event == 'Product Viewed'"))
    }

    @Test func falseAndNullDoNotSatisfyTheFilter() throws {
        #expect(try !isSatisfied("value.event == 'Order Completed'"))
        #expect(try !isSatisfied("value.missing"))
        #expect(try !isSatisfied("value.nothing"))
        #expect(try !isSatisfied("contains(value.missing, 'x')"))
    }

    @Test(arguments: [
        ("value.event", "string"), ("1", "int"), ("value.price", "double"), ("value.tags", "array"), ("{}", "object"),
    ])
    func nonBooleanFilterResultIsAnError(source: String, typeName: String) throws {
        do {
            _ = try isSatisfied(source)
            Issue.record("expected an error")
        } catch let error as ExpressionEvaluationError {
            #expect(error.message == "filter expression must yield a boolean, got \(typeName)")
            #expect(error.code == .notBoolean)
            #expect(error.source == source)
        }
    }
}

@Suite("Expression syntax errors")
struct ExpressionSyntaxErrorTests {
    @Test(arguments: [
        ("vlue.event", "unknown name 'vlue'; expected one of: key, value, headers, timestamp", 0),
        ("value.a == vlue", "unknown name 'vlue'; expected one of: key, value, headers, timestamp", 11),
        ("'héllo' == vlue", "unknown name 'vlue'; expected one of: key, value, headers, timestamp", 11),
        ("'😀👍🏽' + nme", "unknown name 'nme'; expected one of: key, value, headers, timestamp", 7),
        ("True", "unknown name 'True'; expected one of: key, value, headers, timestamp", 0),
        ("", "expected an expression", 0),
        ("   ", "expected an expression", 3),
        ("value.a == ", "expected an expression after '=='", 11),
        ("value.a == )", "expected an expression after '=='", 11),
        ("value.a and", "expected an expression after 'and'", 11),
        ("not", "expected an expression after 'not'", 3),
        ("-", "expected an expression after '-'", 1),
        ("()", "expected an expression after '('", 1),
        ("[1, ]", "expected an expression after ','", 4),
        ("lower(value.a, )", "expected an expression after ','", 15),
        ("(value.a == 1", "expected ')' to close '(' at offset 0", 13),
        ("(1 + (2 * 3)", "expected ')' to close '(' at offset 0", 12),
        ("lower(value.a", "expected ',' or ')' to close '(' at offset 5", 13),
        ("lower(value.a value.b)", "expected ',' or ')' to close '(' at offset 5", 14),
        ("[1, 2", "expected ',' or ']' to close '[' at offset 0", 5),
        ("value[0", "expected ']' to close '[' at offset 5", 7),
        ("{a: 1", "expected ',' or '}' to close '{' at offset 0", 5),
        ("value.a)", "unexpected ')'", 7),
        (")", "unexpected ')'", 0),
        ("1]", "unexpected ']'", 1),
        ("value.a value.b", "unexpected 'value'; expected an operator or the end of the expression", 8),
        ("1 2", "unexpected '2'; expected an operator or the end of the expression", 2),
        ("1 < 2 < 3", "comparisons cannot be chained; combine them with 'and', e.g. a < b and b < c", 6),
        ("1 == 1 != false", "comparisons cannot be chained; combine them with 'and', e.g. a < b and b < c", 7),
        ("value.", "expected a field name after '.'", 6),
        ("value.1", "expected a field name after '.'", 6),
        ("value.'a'", "expected a field name after '.'", 6),
        ("{a 1}", "expected ':' after key 'a'", 3),
        ("{a: 1, a: 2}", "duplicate key 'a' in object literal", 7),
        ("{'a': 1, a: 2}", "duplicate key 'a' in object literal", 9),
        ("{1: 2}", "expected a key (a name or a string) after '{'", 1),
        ("{a: 1, }", "expected a key (a name or a string) after ','", 7),
        ("'abc", "unterminated string", 0),
        ("value.a == \"abc", "unterminated string", 11),
        ("'abc\\", "unterminated string", 0),
        ("value.a # 1", "unexpected character '#'", 8),
        ("value.a = 1", "unexpected character '='; did you mean '=='?", 8),
        ("value.a & value.b", "unexpected character '&'; did you mean '&&' (or 'and')?", 8),
        ("value.a | value.b", "unexpected character '|'; did you mean '||' (or 'or')?", 8),
        ("'a\\qb'", "invalid escape sequence '\\q'", 2),
        ("'\\u12'", "invalid \\u escape, expected 4 hex digits", 1),
        ("'\\u12G4'", "invalid \\u escape, expected 4 hex digits", 1),
        ("'\\ud800'", "unpaired surrogate in \\u escape", 1),
        ("'\\ud800\\u0041'", "unpaired surrogate in \\u escape", 1),
        ("'\\udc00'", "unpaired surrogate in \\u escape", 1),
        ("1e999", "number literal 1e999 is out of range", 0),
        (
            "lowr(value.a)",
            "unknown function 'lowr'; known functions: add_values, append, cases, coalesce, concat, contains, ends_with, env, epoch_ms, exp, filter_values, if, is_null, iso_time, join, keys, length, lower, map_values, max, merge, min, one_of, pluck, round, scale, sqrt, starts_with, substring, take_first, take_last, to_number, to_string, top_entries, top_keys, trim, type_of, union, upper, values, with, without",
            0
        ),
        ("value(1)", "unknown function 'value'; known functions: add_values, append, cases, coalesce, concat, contains, ends_with, env, epoch_ms, exp, filter_values, if, is_null, iso_time, join, keys, length, lower, map_values, max, merge, min, one_of, pluck, round, scale, sqrt, starts_with, substring, take_first, take_last, to_number, to_string, top_entries, top_keys, trim, type_of, union, upper, values, with, without", 0),
        ("1 + lower(value.a, value.b)", "function 'lower' takes 1 argument, got 2", 4),
        ("lower()", "function 'lower' takes 1 argument, got 0", 0),
        ("if(true, 1)", "function 'if' takes 3 arguments, got 2", 0),
        ("concat()", "function 'concat' takes at least 1 argument, got 0", 0),
        ("coalesce()", "function 'coalesce' takes at least 1 argument, got 0", 0),
        ("one_of(value.a)", "function 'one_of' takes at least 2 arguments, got 1", 0),
    ])
    func syntaxErrorsNameWhatWasExpectedAndWhere(source: String, message: String, offset: Int) {
        let error = syntaxError(source)
        #expect(error?.message == message)
        #expect(error?.offset == offset)
        #expect(error?.source == source)
    }

    @Test(arguments: [
        ("vlue", ExpressionSyntaxError.Code.unknownName),
        ("lowr(1)", .unknownFunction),
        ("lower()", .wrongArgumentCount),
        ("'abc", .unterminatedString),
        ("#", .unexpectedCharacter),
        ("'\\q'", .invalidEscape),
        ("{a: 1, a: 2}", .duplicateKey),
        ("1e999", .invalidNumber),
        ("value.a ==", .unexpectedToken),
    ])
    func errorCodesClassifyMistakes(source: String, code: ExpressionSyntaxError.Code) {
        #expect(syntaxError(source)?.code == code)
    }

    @Test func descriptionIsTheMessage() {
        let error = syntaxError("value.a ==")
        #expect(error?.description == "expected an expression after '=='")
    }

    @Test func unknownNameWithoutRootsSaysNoneAreAvailable() {
        #expect(syntaxError("x", roots: [])?.message == "unknown name 'x'; no names are available here")
    }

    @Test func unknownFunctionIsReportedBeforeItsArguments() {
        #expect(syntaxError("lowr(vlue)")?.code == .unknownFunction)
    }
}

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

@Suite("Expression limits")
struct ExpressionLimitTests {
    /// The parser and the evaluator recurse: nesting and length are bounded when the file is checked,
    /// so a hostile expression is a diagnostic, never a stack overflow.
    @Test(arguments: [
        String(repeating: "(", count: 800) + "1" + String(repeating: ")", count: 800),
        String(repeating: "not ", count: 5_000) + "true",
        String(repeating: "-", count: 5_000) + "1",
        "[" + String(repeating: "[", count: 500) + String(repeating: "]", count: 501),
    ])
    func deepNestingIsRefused(source: String) {
        #expect(syntaxError(source)?.code == .tooComplex)
    }

    @Test func longChainsAreRefusedButShopSizedExpressionsAreNot() throws {
        #expect(syntaxError(Array(repeating: "true", count: 3_000).joined(separator: " or "))?.code == .tooComplex)
        #expect(try evaluate(Array(repeating: "1", count: 1_000).joined(separator: " + ")) == .int(1_000))
        #expect(try evaluate(String(repeating: "(", count: 90) + "2" + String(repeating: ")", count: 90)) == .int(2))
    }
}
