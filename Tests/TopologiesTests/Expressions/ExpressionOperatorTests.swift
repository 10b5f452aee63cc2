import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

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
