import Testing

@testable import StreamCore

@Suite("JSON parser")
struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text)
    }

    /// The error parsing `text` produces, or nil if it parsed.
    private func parseError(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesScalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("42") == .int(42))
        #expect(try parse("-7") == .int(-7))
        #expect(try parse("1.5") == .double(1.5))
        #expect(try parse("\"hi\"") == .string("hi"))
    }

    @Test func parsesNestedContainers() throws {
        let value = try parse(#"{"a":[1,{"b":null}],"c":{}, "d":[]}"#)
        #expect(value == ["a": [1, ["b": nil]], "c": [:], "d": []])
    }

    @Test func surroundingWhitespaceIsAllowed() throws {
        #expect(try parse(" \t\r\n[ 1 , 2 ]\n ") == [1, 2])
        #expect(try parse("{ \"a\" : 1 }") == ["a": 1])
    }

    @Test func integersThatFitInt64StayIntegers() throws {
        #expect(try parse("9223372036854775807") == .int(.max))
        #expect(try parse("-9223372036854775808") == .int(.min))
        #expect(try parse("0") == .int(0))
        #expect(try parse("-0") == .int(0))
    }

    @Test func integersBeyondInt64BecomeDoubles() throws {
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try parse("-9223372036854775809") == .double(-9_223_372_036_854_775_808))
        #expect(try parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
    }

    @Test func fractionsAndExponentsAreDoubles() throws {
        #expect(try parse("1.0") == .double(1))
        #expect(try parse("1e3") == .double(1000))
        #expect(try parse("1E+3") == .double(1000))
        #expect(try parse("-2.5e-3") == .double(-0.0025))
        #expect(try parse("0.1") == .double(0.1))
        #expect(try parse("1e-400") == .double(0))
    }

    @Test func stringEscapesAreDecoded() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(try parse(#""\u00e9\u4e2D""#) == .string("é中"))
        #expect(try parse(#""x\u0000y""#) == .string("x\u{0}y"))
    }

    @Test func surrogatePairsDecodeToOneScalar() throws {
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""a\uD834\uDD1Eb""#) == .string("a𝄞b"))
    }

    @Test func rawUTF8IsPreserved() throws {
        #expect(try parse("\"héllo 😀 中\"") == .string("héllo 😀 中"))
        #expect(try parse("{\"ключ\":\"значение\"}") == ["ключ": "значение"])
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValue() throws {
        let value = try parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == 3)
    }

    @Test func objectKeyOrderIsPreserved() throws {
        let value = try parse(#"{"z":1,"a":2,"m":3}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
    }

    @Test func parsesFromBytesAndBuffers() throws {
        let bytes = Array(#"{"a":[true]}"#.utf8)
        #expect(try JSONParser.parse(bytes) == ["a": [true]])
        #expect(try JSONValue(parsing: bytes) == ["a": [true]])
        let fromBuffer = try bytes.withUnsafeBufferPointer { buffer in try JSONParser.parse(buffer) }
        #expect(fromBuffer == ["a": [true]])
    }

    @Test(arguments: [
        ("", "unexpected end of input, expected a value", 0),
        ("   ", "unexpected end of input, expected a value", 3),
        ("[1,]", "trailing comma in array", 3),
        (#"{"a":1,}"#, "trailing comma in object", 7),
        (#"{"a":1 "b":2}"#, "expected ',' or '}' after object member", 7),
        (#"{"a":1"#, "unexpected end of input, expected ',' or '}' after object member", 6),
        ("[1 2]", "expected ',' or ']' after array element", 3),
        ("[1", "unexpected end of input, expected ',' or ']' after array element", 2),
        ("{a:1}", "expected '\"' to start an object key", 1),
        (#"{"a" 1}"#, "expected ':' after object key", 5),
        ("NaN", "unexpected character 'N', expected a value", 0),
        ("Infinity", "unexpected character 'I', expected a value", 0),
        ("-Infinity", "expected a digit after '-'", 1),
        ("tru", "invalid literal, expected 'true'", 0),
        ("nul", "invalid literal, expected 'null'", 0),
        ("falsy", "invalid literal, expected 'false'", 0),
        ("1 2", "unexpected character '2' after the JSON value", 2),
        ("{} x", "unexpected character 'x' after the JSON value", 3),
        ("[]]", "unexpected character ']' after the JSON value", 2),
        ("01", "leading zeros are not allowed in numbers", 0),
        ("-01", "leading zeros are not allowed in numbers", 0),
        ("1.", "unexpected end of input, expected a digit after the decimal point", 2),
        (".5", "unexpected character '.', expected a value", 0),
        ("+1", "unexpected character '+', expected a value", 0),
        ("1e", "unexpected end of input, expected a digit in the exponent", 2),
        ("1e+x", "expected a digit in the exponent", 3),
        ("-", "unexpected end of input, expected a digit after '-'", 1),
        ("1e400", "number out of range", 0),
        ("-1e400", "number out of range", 0),
        ("\"abc", "unterminated string starting at byte 0", 4),
        ("\"ab\\", "unterminated string starting at byte 0", 4),
        ("[\"a\\u00", "invalid \\u escape, expected 4 hex digits", 3),
        ("\"a\nb\"", "unescaped control character 0x0A in string", 2),
        ("\"a\tb\"", "unescaped control character 0x09 in string", 2),
        (#""a\x""#, "invalid escape sequence '\\x'", 2),
        (#""\u12G4""#, "invalid \\u escape, expected 4 hex digits", 1),
        (#""\u12""#, "invalid \\u escape, expected 4 hex digits", 1),
        (#""\ud83d""#, "unpaired surrogate in \\u escape", 1),
        (#""\ud83dx""#, "unpaired surrogate in \\u escape", 1),
        (#""\ud83d\u0041""#, "unpaired surrogate in \\u escape", 1),
        (#""\ude00""#, "unpaired surrogate in \\u escape", 1),
        ("[1,,2]", "unexpected character ',', expected a value", 3),
        ("// comment\n1", "unexpected character '/', expected a value", 0),
        ("'single'", "unexpected character ''', expected a value", 0),
    ])
    func rejectsInvalidDocumentsWithOffset(text: String, message: String, offset: Int) {
        let error = parseError(text)
        #expect(error?.message == message)
        #expect(error?.offset == offset)
    }

    @Test func errorDescriptionIncludesByteOffset() {
        let error = parseError(#"{"product_id":"P7" "x":1}"#)
        #expect(error?.description == "expected ',' or '}' after object member at byte 19")
        #expect(error?.code == .unexpectedCharacter)
    }

    @Test func errorCodesClassifyProblems() {
        #expect(parseError("[")?.code == .unexpectedEnd)
        #expect(parseError("\"\\q\"")?.code == .invalidString)
        #expect(parseError("01")?.code == .invalidNumber)
        #expect(parseError("1 1")?.code == .trailingContent)
    }

    @Test func invalidUTF8IsRejected() {
        let bytes: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]  // "a\xC3(" — truncated sequence
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        do {
            _ = try JSONParser.parse(bytes)
        } catch {
            #expect(error.message == "invalid UTF-8 in string starting at byte 0")
            #expect(error.offset == 0)
        }
        let escapedThenInvalid: [UInt8] = [0x22, 0x5C, 0x6E, 0xFF, 0x22]  // "\n\xFF"
        #expect(throws: JSONParseError.self) { try JSONParser.parse(escapedThenInvalid) }
    }

    @Test func nonASCIIByteOutsideStringIsDescribedInHex() {
        #expect(parseError("\u{E9}")?.message == "unexpected byte 0xC3, expected a value")
    }

    @Test func nestingAtTheLimitIsAccepted() throws {
        let depth = JSONParser.maximumDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        _ = try parse(text)
    }

    @Test func nestingBeyondTheLimitIsRejected() {
        let depth = JSONParser.maximumDepth + 1
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let error = parseError(text)
        #expect(error?.code == .nestingTooDeep)
        #expect(error?.offset == JSONParser.maximumDepth)
    }
}

@Suite("JSON serializer")
struct JSONSerializerTests {
    @Test func writesCompactJSONInKeyOrder() {
        let value: JSONValue = ["z": 1, "a": [true, false, nil], "m": ["x": "y"]]
        #expect(value.jsonString == #"{"z":1,"a":[true,false,null],"m":{"x":"y"}}"#)
        #expect(value.jsonBytes == Array(value.jsonString.utf8))
    }

    @Test func writesEmptyContainers() {
        #expect(JSONValue.array([]).jsonString == "[]")
        #expect(JSONValue.object([:]).jsonString == "{}")
    }

    @Test(arguments: [
        (Int64(0), "0"), (42, "42"), (-42, "-42"),
        (.max, "9223372036854775807"), (.min, "-9223372036854775808"),
    ])
    func writesIntegersExactly(integer: Int64, text: String) {
        #expect(JSONValue.int(integer).jsonString == text)
    }

    @Test(arguments: [
        (3.0, "3.0"), (-0.0, "-0.0"), (0.1, "0.1"), (1.5, "1.5"), (-2.25, "-2.25"),
        (1e20, "1e+20"), (1e-7, "1e-07"), (59.99, "59.99"), (.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ])
    func writesDoublesInShortestRoundTripForm(double: Double, text: String) throws {
        #expect(JSONValue.double(double).jsonString == text)
        #expect(try JSONParser.parse(text) == .double(double))
    }

    @Test func nonFiniteDoublesAreWrittenAsNull() {
        #expect(JSONValue.double(.infinity).jsonString == "null")
        #expect(JSONValue.double(-.infinity).jsonString == "null")
        #expect(JSONValue.double(.nan).jsonString == "null")
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        let value = JSONValue.string("a\"b\\c\nd\re\tf\u{08}g\u{0C}h\u{01}i\u{1F}j/k\u{7F}")
        #expect(value.jsonString == #""a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj/k"# + "\u{7F}\"")
    }

    @Test func keysAreEscapedToo() {
        let value: JSONValue = ["a\"b": 1]
        #expect(value.jsonString == #"{"a\"b":1}"#)
    }

    @Test func nonASCIIIsWrittenAsUTF8() {
        #expect(JSONValue.string("é😀").jsonBytes == [0x22] + Array("é😀".utf8) + [0x22])
    }

    @Test func serializesIntoExistingBuffer() {
        var bytes = Array("prefix:".utf8)
        JSONSerializer.serialize([1, "x"], into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"prefix:[1,"x"]"#)
    }

    @Test(arguments: [
        #"{"type":"track","event":"Product Viewed","properties":{"product_id":"P7","price":59.99,"quantity":1}}"#,
        #"[null,true,false,0,-1,1.5,"\u0000\"\\",[],{}]"#,
        #"{"nested":{"deeper":[[[1e+100]]]},"unicode":"ü😀"}"#,
    ])
    func parseThenSerializeRoundTrips(text: String) throws {
        let value = try JSONParser.parse(text)
        #expect(value.jsonString == text)
        #expect(try JSONParser.parse(value.jsonBytes) == value)
    }

    @Test func descriptionIsCompactJSON() {
        let value: JSONValue = ["a": [1, 2.5]]
        #expect(value.description == #"{"a":[1,2.5]}"#)
    }
}

@Suite("JSON values")
struct JSONValueTests {
    @Test func literalsBuildTheMatchingCases() {
        let null: JSONValue = nil
        let flag: JSONValue = true
        let integer: JSONValue = 3
        let double: JSONValue = 3.0
        let string: JSONValue = "s"
        #expect(null == .null)
        #expect(flag == .bool(true))
        #expect(integer == .int(3))
        #expect(double == .double(3))
        #expect(string == .string("s"))
    }

    @Test func equalityIsStructuralForNumbers() {
        #expect(JSONValue.int(1) != JSONValue.double(1))
        #expect(Set<JSONValue>([.int(1), .double(1)]).count == 2)
    }

    @Test func objectEqualityIgnoresKeyOrder() {
        let lhs: JSONValue = ["a": 1, "b": [2]]
        let rhs: JSONValue = ["b": [2], "a": 1]
        #expect(lhs == rhs)
        #expect(lhs.hashValue == rhs.hashValue)
        #expect(Set([lhs, rhs]).count == 1)
        #expect(lhs != ["a": 1, "b": [3]])
        #expect(lhs != ["a": 1])
        #expect(lhs != ["a": 1, "c": [2]])
    }

    @Test func equivalenceComparesNumbersByValue() {
        #expect(JSONValue.int(1).isEquivalent(to: .double(1)))
        #expect(JSONValue.double(2).isEquivalent(to: .int(2)))
        #expect(!JSONValue.int(1).isEquivalent(to: .double(1.5)))
        #expect(JSONValue.null.isEquivalent(to: .null))
        #expect(!JSONValue.null.isEquivalent(to: .bool(false)))
        #expect(!JSONValue.string("1").isEquivalent(to: .int(1)))
        let lhs: JSONValue = ["a": [1, ["b": 2.0]]]
        let rhs: JSONValue = ["a": [1.0, ["b": 2]]]
        #expect(lhs.isEquivalent(to: rhs))
        #expect(!lhs.isEquivalent(to: ["a": [1, ["b": 3]]]))
        #expect(!JSONValue.array([1]).isEquivalent(to: [1, 2]))
    }

    @Test func equivalenceOfLargeIntegersIsExact() {
        // 2^53 + 1 has no double representation; rounding would make these look equal.
        #expect(!JSONValue.int(9_007_199_254_740_993).isEquivalent(to: .double(9_007_199_254_740_992)))
        #expect(JSONValue.int(9_007_199_254_740_992).isEquivalent(to: .double(9_007_199_254_740_992)))
        #expect(!JSONValue.int(.max).isEquivalent(to: .double(9_223_372_036_854_775_808)))
    }

    @Test func accessorsReturnPayloadOfMatchingCaseOnly() {
        let value: JSONValue = ["s": "x", "i": 2, "d": 2.5, "b": true, "a": [1], "o": ["k": nil]]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.int64Value == 2)
        #expect(value["i"]?.doubleValue == 2)
        #expect(value["d"]?.doubleValue == 2.5)
        #expect(value["d"]?.int64Value == nil)
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["a"]?[0] == 1)
        #expect(value["a"]?[1] == nil)
        #expect(value["o"]?.objectValue?["k"] == .null)
        #expect(value["o"]?["k"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(JSONValue.string("x")["k"] == nil)
        #expect(JSONValue.string("x").stringValue == "x")
    }

    @Test func typeNamesMatchErrorVocabulary() {
        let values: [JSONValue] = [nil, true, 1, 1.5, "s", [], [:]]
        #expect(values.map(\.typeName) == ["null", "bool", "int", "double", "string", "array", "object"])
    }
}

@Suite("JSON objects")
struct JSONObjectTests {
    @Test func settingExistingKeyReplacesInPlace() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["b"] = 20
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["b"] == 20)
        #expect(object.updateValue(30, forKey: "c") == 3)
    }

    @Test func settingNewKeyAppends() {
        var object: JSONObject = ["a": 1]
        object["z"] = 2
        #expect(object.keys == ["a", "z"])
        #expect(object.values == [1, 2])
    }

    @Test func settingNilRemovesAndShiftsLaterMembers() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(object["c"] == 3)
        #expect(object.removeValue(forKey: "missing") == nil)
        #expect(object.removeValue(forKey: "a") == 1)
        #expect(object.keys == ["c"])
    }

    @Test func iteratesMembersInOrder() {
        let object: JSONObject = ["x": 1, "y": 2]
        #expect(object.map(\.key) == ["x", "y"])
        #expect(object.map(\.value) == [1, 2])
        #expect(object.count == 2)
        #expect(object[1].key == "y")
        #expect(!object.isEmpty)
        #expect(JSONObject().isEmpty)
    }

    @Test func largeObjectsStayConsistentThroughInsertsAndRemovals() {
        // Crosses the index threshold in both directions.
        var object = JSONObject()
        for number in 0..<40 {
            object["k\(number)"] = .int(Int64(number))
        }
        for number in stride(from: 0, to: 40, by: 3) {
            object["k\(number)"] = nil
        }
        object["k1"] = "replaced"
        for number in 0..<40 {
            let expected: JSONValue? =
                number % 3 == 0 ? nil : (number == 1 ? "replaced" : .int(Int64(number)))
            #expect(object["k\(number)"] == expected)
            #expect(object.position(of: "k\(number)") == object.keys.firstIndex(of: "k\(number)"))
        }
        while object.count > 2 {
            object.removeValue(forKey: object.keys[0])
        }
        #expect(object.keys == ["k37", "k38"])
        #expect(object["k38"] == 38)
    }

    @Test func initializerFromPairsLetsLastDuplicateWin() {
        let object = JSONObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
    }
}
