import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

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
