/// One lexical unit of an expression, with where it starts in the source.
struct ExpressionToken: Sendable {
    /// What the token is, with any value it carries already decoded.
    enum Kind: Equatable, Sendable {
        case identifier(String)
        case keyword(Keyword)
        case integer(Int64)
        case double(Double)
        case string(String)
        case symbol(Symbol)
        case end
    }

    /// Words with a fixed meaning. They may still be used as field names after a
    /// `.` or as object-literal keys, where no keyword can appear.
    enum Keyword: String, Sendable, CaseIterable {
        case and, or, not, `true`, `false`, null
    }

    /// Punctuation and operators.
    enum Symbol: String, Sendable {
        case leftParenthesis = "(", rightParenthesis = ")"
        case leftBracket = "[", rightBracket = "]"
        case leftBrace = "{", rightBrace = "}"
        case comma = ",", colon = ":", dot = "."
        case equal = "==", notEqual = "!="
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
        case bang = "!", doubleAmpersand = "&&", doublePipe = "||"
    }

    var kind: Kind
    /// 0-based `Character` offset of the token's first character.
    var offset: Int
    /// The token as written, for error messages.
    var text: String

    func isSymbol(_ symbol: Symbol) -> Bool { kind == .symbol(symbol) }
    func isKeyword(_ keyword: Keyword) -> Bool { kind == .keyword(keyword) }
}

/// Splits expression source text into tokens.
///
/// Works on `Character`s so that offsets in errors count what a person sees,
/// which is what an editor column shows for the usual ASCII-plus-accents text.
struct ExpressionLexer {
    private let source: String
    private let characters: [Character]
    private var position = 0

    /// Tokenizes `source`; the last token is always `.end` at the source's length.
    ///
    /// - Throws: ``ExpressionSyntaxError`` for characters that start no token,
    ///   unterminated strings, bad escapes and out-of-range numbers.
    static func tokenize(_ source: String) throws(ExpressionSyntaxError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(source: source)
        var tokens: [ExpressionToken] = []
        while true {
            let token = try lexer.nextToken()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private init(source: String) {
        self.source = source
        self.characters = Array(source)
    }

    private func error(_ code: ExpressionSyntaxError.Code, _ message: String, at offset: Int) -> ExpressionSyntaxError {
        ExpressionSyntaxError(code: code, message: message, offset: offset, source: source)
    }

    private func text(from start: Int) -> String {
        String(characters[start..<position])
    }

    private static func isDigit(_ character: Character) -> Bool {
        character >= "0" && character <= "9"
    }

    private static func isIdentifierStart(_ character: Character) -> Bool {
        character == "_" || character.isLetter
    }

    private static func isIdentifierContinuation(_ character: Character) -> Bool {
        character == "_" || character.isLetter || character.isNumber
    }

    private mutating func nextToken() throws(ExpressionSyntaxError) -> ExpressionToken {
        while position < characters.count, characters[position].isWhitespace {
            position += 1
        }
        let start = position
        guard position < characters.count else {
            return ExpressionToken(kind: .end, offset: start, text: "")
        }
        let character = characters[position]

        if Self.isIdentifierStart(character) {
            while position < characters.count, Self.isIdentifierContinuation(characters[position]) {
                position += 1
            }
            let word = text(from: start)
            let kind: ExpressionToken.Kind = ExpressionToken.Keyword(rawValue: word).map { .keyword($0) } ?? .identifier(word)
            return ExpressionToken(kind: kind, offset: start, text: word)
        }
        if Self.isDigit(character) {
            return try readNumber()
        }
        if character == "\"" || character == "'" {
            return try readString()
        }
        return try readSymbol()
    }

    private mutating func readNumber() throws(ExpressionSyntaxError) -> ExpressionToken {
        let start = position
        var isInteger = true
        while position < characters.count, Self.isDigit(characters[position]) { position += 1 }
        // A '.' is a decimal point only when a digit follows; otherwise it is
        // left for the parser (and reported there as a misplaced field access).
        if position + 1 < characters.count, characters[position] == ".", Self.isDigit(characters[position + 1]) {
            isInteger = false
            position += 1
            while position < characters.count, Self.isDigit(characters[position]) { position += 1 }
        }
        if position < characters.count, characters[position] == "e" || characters[position] == "E" {
            var lookahead = position + 1
            if lookahead < characters.count, characters[lookahead] == "+" || characters[lookahead] == "-" {
                lookahead += 1
            }
            if lookahead < characters.count, Self.isDigit(characters[lookahead]) {
                isInteger = false
                position = lookahead
                while position < characters.count, Self.isDigit(characters[position]) { position += 1 }
            }
        }
        let literal = text(from: start)
        // Like the JSON parser: integers that do not fit in 64 bits become doubles.
        if isInteger, let integer = Int64(literal) {
            return ExpressionToken(kind: .integer(integer), offset: start, text: literal)
        }
        guard let double = Double(literal), double.isFinite else {
            throw error(.invalidNumber, "number literal \(literal) is out of range", at: start)
        }
        return ExpressionToken(kind: .double(double), offset: start, text: literal)
    }

    private mutating func readString() throws(ExpressionSyntaxError) -> ExpressionToken {
        let start = position
        let quote = characters[position]
        position += 1
        var value = ""
        while position < characters.count {
            let character = characters[position]
            if character == quote {
                position += 1
                return ExpressionToken(kind: .string(value), offset: start, text: text(from: start))
            }
            if character == "\\" {
                value.unicodeScalars.append(try readEscape(stringStart: start))
            } else {
                value.append(character)
                position += 1
            }
        }
        throw error(.unterminatedString, "unterminated string", at: start)
    }

    /// Reads an escape sequence starting at its backslash.
    private mutating func readEscape(stringStart: Int) throws(ExpressionSyntaxError) -> Unicode.Scalar {
        let backslash = position
        position += 1
        guard position < characters.count else {
            throw error(.unterminatedString, "unterminated string", at: stringStart)
        }
        let letter = characters[position]
        position += 1
        switch letter {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "\\": return "\\"
        case "'": return "'"
        case "\"": return "\""
        case "/": return "/"
        case "u":
            let unit = try readHexQuad(escapeStart: backslash)
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate only means something followed by a low one.
                guard position + 1 < characters.count, characters[position] == "\\", characters[position + 1] == "u" else {
                    throw error(.invalidEscape, "unpaired surrogate in \\u escape", at: backslash)
                }
                let lowStart = position
                position += 2
                let low = try readHexQuad(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error(.invalidEscape, "unpaired surrogate in \\u escape", at: backslash)
                }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            case 0xDC00...0xDFFF:
                throw error(.invalidEscape, "unpaired surrogate in \\u escape", at: backslash)
            default:
                return Unicode.Scalar(unit)!
            }
        default:
            throw error(.invalidEscape, "invalid escape sequence '\\\(letter)'", at: backslash)
        }
    }

    private mutating func readHexQuad(escapeStart: Int) throws(ExpressionSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < characters.count, characters[position].isASCII,
                  let digit = characters[position].hexDigitValue
            else {
                throw error(.invalidEscape, "invalid \\u escape, expected 4 hex digits", at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func readSymbol() throws(ExpressionSyntaxError) -> ExpressionToken {
        let start = position
        let character = characters[position]
        let next: Character? = position + 1 < characters.count ? characters[position + 1] : nil
        if let next, let symbol = ExpressionToken.Symbol(rawValue: String([character, next])) {
            position += 2
            return ExpressionToken(kind: .symbol(symbol), offset: start, text: symbol.rawValue)
        }
        if let symbol = ExpressionToken.Symbol(rawValue: String(character)) {
            position += 1
            return ExpressionToken(kind: .symbol(symbol), offset: start, text: symbol.rawValue)
        }
        // Single '=', '&' and '|' are the usual slips from other languages.
        let hint: String =
            switch character {
            case "=": "; did you mean '=='?"
            case "&": "; did you mean '&&' (or 'and')?"
            case "|": "; did you mean '||' (or 'or')?"
            default: ""
            }
        throw error(.unexpectedCharacter, "unexpected character '\(character)'\(hint)", at: start)
    }
}
