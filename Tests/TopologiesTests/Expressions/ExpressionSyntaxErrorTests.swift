import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

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
            "unknown function 'lowr'; known functions: add_values, append, avg, cases, coalesce, concat, contains, distinct, ends_with, env, epoch_ms, exp, filter, filter_values, if, index_of, is_null, iso_time, join, keys, length, lower, map, map_values, max, merge, min, one_of, pluck, reduce, reverse, round, scale, slice, sort, sort_by, sqrt, starts_with, substring, sum, take_first, take_last, to_number, to_string, top_entries, top_keys, trim, type_of, union, upper, values, with, without",
            0
        ),
        ("value(1)", "unknown function 'value'; known functions: add_values, append, avg, cases, coalesce, concat, contains, distinct, ends_with, env, epoch_ms, exp, filter, filter_values, if, index_of, is_null, iso_time, join, keys, length, lower, map, map_values, max, merge, min, one_of, pluck, reduce, reverse, round, scale, slice, sort, sort_by, sqrt, starts_with, substring, sum, take_first, take_last, to_number, to_string, top_entries, top_keys, trim, type_of, union, upper, values, with, without", 0),
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
