import StreamCore

/// Compiles expression source text into an ``RecordExpression``.
///
/// A recursive-descent parser with one function per precedence level, lowest first:
///
///     or        := and (('or' | '||') and)*
///     and       := not (('and' | '&&') not)*
///     not       := ('not' | '!') not | comparison
///     comparison:= additive (('==' | '!=' | '<' | '<=' | '>' | '>=') additive)?
///     additive  := term (('+' | '-') term)*
///     term      := unary (('*' | '/' | '%') unary)*
///     unary     := '-' unary | postfix
///     postfix   := primary ('.' name | '[' or ']')*
///     primary   := literal | root | call | '(' or ')' | array | object
///
/// Comparisons do not chain (`a < b < c` is an error) because neither reading of
/// it is what people mean. Every error names the offending token's offset.
public struct ExpressionParser {
    private let source: String
    /// The names in scope by slot: the caller's roots, then the member names of each enclosing
    /// member-binding call (`map_values(value.counts, item * 2)`), innermost last.
    private var roots: [String]
    private let tokens: [ExpressionToken]
    private var position = 0
    /// How deep the parser has recursed: sub-expressions (parentheses, arguments, elements, indexes),
    /// `not` and unary `-` chains.
    private var depth = 0

    /// The most tokens one expression may have (the shop's longest has about 600): evaluation recurses
    /// into a chain of operators, so a chain may not be long enough to exhaust a thread's stack.
    static let maximumTokens = 4_000
    /// The deepest nesting one expression may have.
    static let maximumNesting = 100
    /// Which root slots the expression reads.
    private var referenced: [Bool]

    /// Parses `source` into an expression over the names in `roots`.
    ///
    /// - Parameters:
    ///   - source: the expression text, e.g. `value.event == "Product Viewed"`.
    ///   - roots: the names the expression may refer to, in the slot order that
    ///     scopes for it will use; a topology step passes
    ///     `["key", "value", "headers", "timestamp"]`.
    /// - Throws: ``ExpressionSyntaxError`` with the offset of the first mistake;
    ///   unknown names and functions and wrong argument counts are reported here,
    ///   not at evaluation time.
    public static func parse(_ source: String, roots: [String]) throws(ExpressionSyntaxError) -> RecordExpression {
        var parser = ExpressionParser(source: source, roots: roots, tokens: try ExpressionLexer.tokenize(source))
        if parser.tokens.count > maximumTokens {
            throw parser.error(.tooComplex, "the expression is too long: at most \(maximumTokens) tokens; split it over steps", at: parser.tokens[maximumTokens].offset)
        }
        let node = try parser.parseOr()
        guard parser.current.kind == .end else {
            throw parser.unexpectedTrailingToken()
        }
        let referencedRoots = roots.indices.filter { parser.referenced[$0] }.map { roots[$0] }
        return RecordExpression(source: source, roots: roots, referencedRoots: referencedRoots, node: node)
    }

    private init(source: String, roots: [String], tokens: [ExpressionToken]) {
        self.source = source
        self.roots = roots
        self.tokens = tokens
        self.referenced = Array(repeating: false, count: roots.count)
    }

    // MARK: Tokens

    private var current: ExpressionToken { tokens[position] }

    private var previous: ExpressionToken? { position > 0 ? tokens[position - 1] : nil }

    @discardableResult
    private mutating func advance() -> ExpressionToken {
        let token = tokens[position]
        if token.kind != .end { position += 1 }
        return token
    }

    private mutating func consume(_ symbol: ExpressionToken.Symbol) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        position += 1
        return true
    }

    // MARK: Errors

    private func error(_ code: ExpressionSyntaxError.Code, _ message: String, at offset: Int) -> ExpressionSyntaxError {
        ExpressionSyntaxError(code: code, message: message, offset: offset, source: source)
    }

    /// "expected ')' to close '(' at offset 4", reported at the token found instead.
    private func unclosed(_ opener: ExpressionToken, expected: String) -> ExpressionSyntaxError {
        error(.unexpectedToken, "expected \(expected) to close '\(opener.text)' at offset \(opener.offset)", at: current.offset)
    }

    /// The error for a token that cannot start an operand.
    private func missingExpression() -> ExpressionSyntaxError {
        if let previous {
            return error(.unexpectedToken, "expected an expression after '\(previous.text)'", at: current.offset)
        }
        if current.kind == .end {
            return error(.unexpectedToken, "expected an expression", at: current.offset)
        }
        return error(.unexpectedToken, "unexpected '\(current.text)'", at: current.offset)
    }

    /// The error for a token left over after a complete expression.
    private func unexpectedTrailingToken() -> ExpressionSyntaxError {
        switch current.kind {
        case .symbol(.rightParenthesis), .symbol(.rightBracket), .symbol(.rightBrace):
            return error(.unexpectedToken, "unexpected '\(current.text)'", at: current.offset)
        default:
            return error(.unexpectedToken, "unexpected '\(current.text)'; expected an operator or the end of the expression", at: current.offset)
        }
    }

    // MARK: Precedence levels

    /// Counts one more level of recursion at `token`; the caller undoes it when the level is parsed.
    private mutating func enter(at token: ExpressionToken) throws(ExpressionSyntaxError) {
        depth += 1
        if depth > Self.maximumNesting {
            throw error(.tooComplex, "the expression nests too deep: at most \(Self.maximumNesting) levels", at: token.offset)
        }
    }

    private mutating func parseOr() throws(ExpressionSyntaxError) -> ExpressionNode {
        try enter(at: current)
        defer { depth -= 1 }
        var lhs = try parseAnd()
        while current.isKeyword(.or) || current.isSymbol(.doublePipe) {
            let operatorToken = advance()
            let rhs = try parseAnd()
            lhs = Self.folded(.or(lhs, rhs, offset: operatorToken.offset))
        }
        return lhs
    }

    private mutating func parseAnd() throws(ExpressionSyntaxError) -> ExpressionNode {
        var lhs = try parseNot()
        while current.isKeyword(.and) || current.isSymbol(.doubleAmpersand) {
            let operatorToken = advance()
            let rhs = try parseNot()
            lhs = Self.folded(.and(lhs, rhs, offset: operatorToken.offset))
        }
        return lhs
    }

    private mutating func parseNot() throws(ExpressionSyntaxError) -> ExpressionNode {
        guard current.isKeyword(.not) || current.isSymbol(.bang) else {
            return try parseComparison()
        }
        let operatorToken = advance()
        try enter(at: operatorToken)
        defer { depth -= 1 }
        let operand = try parseNot()
        return Self.folded(.not(operand, offset: operatorToken.offset))
    }

    private static func comparisonOperator(_ token: ExpressionToken) -> BinaryOperator? {
        switch token.kind {
        case .symbol(.equal): .equal
        case .symbol(.notEqual): .notEqual
        case .symbol(.less): .less
        case .symbol(.lessOrEqual): .lessOrEqual
        case .symbol(.greater): .greater
        case .symbol(.greaterOrEqual): .greaterOrEqual
        default: nil
        }
    }

    private mutating func parseComparison() throws(ExpressionSyntaxError) -> ExpressionNode {
        let lhs = try parseAdditive()
        guard let comparison = Self.comparisonOperator(current) else { return lhs }
        let operatorToken = advance()
        let rhs = try parseAdditive()
        if Self.comparisonOperator(current) != nil {
            throw error(
                .unexpectedToken,
                "comparisons cannot be chained; combine them with 'and', e.g. a < b and b < c",
                at: current.offset
            )
        }
        return Self.folded(.binary(comparison, lhs, rhs, offset: operatorToken.offset))
    }

    private mutating func parseAdditive() throws(ExpressionSyntaxError) -> ExpressionNode {
        var lhs = try parseTerm()
        while true {
            let binaryOperator: BinaryOperator
            switch current.kind {
            case .symbol(.plus): binaryOperator = .add
            case .symbol(.minus): binaryOperator = .subtract
            default: return lhs
            }
            let operatorToken = advance()
            let rhs = try parseTerm()
            lhs = Self.folded(.binary(binaryOperator, lhs, rhs, offset: operatorToken.offset))
        }
    }

    private mutating func parseTerm() throws(ExpressionSyntaxError) -> ExpressionNode {
        var lhs = try parseUnary()
        while true {
            let binaryOperator: BinaryOperator
            switch current.kind {
            case .symbol(.star): binaryOperator = .multiply
            case .symbol(.slash): binaryOperator = .divide
            case .symbol(.percent): binaryOperator = .remainder
            default: return lhs
            }
            let operatorToken = advance()
            let rhs = try parseUnary()
            lhs = Self.folded(.binary(binaryOperator, lhs, rhs, offset: operatorToken.offset))
        }
    }

    private mutating func parseUnary() throws(ExpressionSyntaxError) -> ExpressionNode {
        guard current.isSymbol(.minus) else { return try parsePostfix() }
        let operatorToken = advance()
        try enter(at: operatorToken)
        defer { depth -= 1 }
        let operand = try parseUnary()
        return Self.folded(.negate(operand, offset: operatorToken.offset))
    }

    private mutating func parsePostfix() throws(ExpressionSyntaxError) -> ExpressionNode {
        var node = try parsePrimary()
        while true {
            if consume(.dot) {
                let name: String
                switch current.kind {
                case .identifier(let identifier): name = identifier
                case .keyword(let keyword): name = keyword.rawValue
                default:
                    throw error(.unexpectedToken, "expected a field name after '.'", at: current.offset)
                }
                advance()
                node = Self.appending(.field(name), to: node)
            } else if current.isSymbol(.leftBracket) {
                let opener = advance()
                let index = try parseOr()
                guard consume(.rightBracket) else { throw unclosed(opener, expected: "']'") }
                switch index {
                case .literal(.int(let position)):
                    node = Self.appending(.index(Int(exactly: position) ?? -1), to: node)
                case .literal(.string(let name)):
                    node = Self.appending(.field(name), to: node)
                default:
                    node = Self.folded(.dynamicIndex(node, index: index, offset: opener.offset))
                }
            } else {
                return node
            }
        }
    }

    /// Extends a path node rather than nesting, so `value.a.b.c` is one node
    /// that walks three steps.
    private static func appending(_ component: PathComponent, to node: ExpressionNode) -> ExpressionNode {
        if case .path(let base, let components) = node {
            return .path(base, components + [component])
        }
        return folded(.path(node, [component]))
    }

    private mutating func parsePrimary() throws(ExpressionSyntaxError) -> ExpressionNode {
        let token = current
        switch token.kind {
        case .integer(let integer):
            advance()
            return .literal(.int(integer))
        case .double(let double):
            advance()
            return .literal(.double(double))
        case .string(let string):
            advance()
            return .literal(.string(string))
        case .keyword(.true):
            advance()
            return .literal(.bool(true))
        case .keyword(.false):
            advance()
            return .literal(.bool(false))
        case .keyword(.null):
            advance()
            return .literal(.null)
        case .identifier(let name):
            advance()
            if current.isSymbol(.leftParenthesis) {
                return try parseCall(name: name, nameToken: token)
            }
            // The innermost binding wins: `item` in a `map_values` argument is the member, even
            // inside a flat-map's `value`, whose `item` is the array element.
            guard let slot = roots.lastIndex(of: name) else {
                let names = roots.reduce(into: [String]()) { names, root in if !names.contains(root) { names.append(root) } }
                let expectation = roots.isEmpty ? "no names are available here" : "expected one of: \(names.joined(separator: ", "))"
                throw error(.unknownName, "unknown name '\(name)'; \(expectation)", at: token.offset)
            }
            referenced[slot] = true
            return .root(slot: slot)
        case .symbol(.leftParenthesis):
            advance()
            let inner = try parseOr()
            guard consume(.rightParenthesis) else { throw unclosed(token, expected: "')'") }
            return inner
        case .symbol(.leftBracket):
            return try parseArray()
        case .symbol(.leftBrace):
            return try parseObject()
        default:
            throw missingExpression()
        }
    }

    private mutating func parseCall(name: String, nameToken: ExpressionToken) throws(ExpressionSyntaxError) -> ExpressionNode {
        // Look the function up before its arguments so a misspelt name is the
        // error reported, not some consequence of it.
        guard let function = ExpressionFunction.byName[name] else {
            throw error(
                .unknownFunction,
                "unknown function '\(name)'; known functions: \(ExpressionFunction.knownNames)",
                at: nameToken.offset
            )
        }
        let opener = advance()
        var arguments: [ExpressionNode] = []
        let enclosingRoots = roots.count
        if !consume(.rightParenthesis) {
            while true {
                arguments.append(try parseOr())
                if let binding = function.binding, arguments.count == binding.firstBoundArgument {
                    // The arguments from here on are evaluated per element of the first.
                    roots += binding.names
                    referenced += Array(repeating: false, count: binding.names.count)
                }
                if consume(.comma) { continue }
                guard consume(.rightParenthesis) else { throw unclosed(opener, expected: "',' or ')'") }
                break
            }
        }
        roots.removeSubrange(enclosingRoots...)
        referenced.removeSubrange(enclosingRoots...)
        guard function.accepts(argumentCount: arguments.count) else {
            throw error(
                .wrongArgumentCount,
                "function '\(name)' \(function.arityDescription), got \(arguments.count)",
                at: nameToken.offset
            )
        }
        return Self.folded(.call(function, arguments, offset: nameToken.offset))
    }

    private mutating func parseArray() throws(ExpressionSyntaxError) -> ExpressionNode {
        let opener = advance()
        var elements: [ExpressionNode] = []
        if !consume(.rightBracket) {
            while true {
                elements.append(try parseOr())
                if consume(.comma) { continue }
                guard consume(.rightBracket) else { throw unclosed(opener, expected: "',' or ']'") }
                break
            }
        }
        return Self.folded(.array(elements))
    }

    private mutating func parseObject() throws(ExpressionSyntaxError) -> ExpressionNode {
        let opener = advance()
        var keys: [String] = []
        var values: [ExpressionNode] = []
        if !consume(.rightBrace) {
            while true {
                let keyToken = current
                let key: String
                switch keyToken.kind {
                case .string(let string): key = string
                case .identifier(let identifier): key = identifier
                case .keyword(let keyword): key = keyword.rawValue
                default:
                    throw error(.unexpectedToken, "expected a key (a name or a string) after '\(previous?.text ?? "{")'", at: keyToken.offset)
                }
                guard !keys.contains(key) else {
                    throw error(.duplicateKey, "duplicate key '\(key)' in object literal", at: keyToken.offset)
                }
                advance()
                guard consume(.colon) else {
                    throw error(.unexpectedToken, "expected ':' after key '\(key)'", at: current.offset)
                }
                keys.append(key)
                values.append(try parseOr())
                if consume(.comma) { continue }
                guard consume(.rightBrace) else { throw unclosed(opener, expected: "',' or '}'") }
                break
            }
        }
        return Self.folded(.object(keys: keys, values: values))
    }

    // MARK: Constant folding

    /// Replaces a node whose operands are all constants by its value, computed
    /// once here instead of per record. A node whose evaluation fails (`1 / 0`)
    /// is kept, so the error surfaces with its usual message when evaluated.
    private static func folded(_ node: ExpressionNode) -> ExpressionNode {
        guard node.hasOnlyLiteralOperands else { return node }
        guard let value = try? node.evaluate(in: ExpressionScope(roots: [], values: [])) else { return node }
        return .literal(value)
    }
}
