/// Why an expression's source text could not be compiled, and where.
///
/// Raised when a topology is loaded, so that every mistake in an expression is
/// reported before any record is processed.
public struct ExpressionSyntaxError: Error, Sendable, CustomStringConvertible {
    /// The kind of mistake, for callers and tests that branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let description: String

        /// A character that starts no token, such as `#`.
        public static let unexpectedCharacter = Code(description: "unexpectedCharacter")
        /// A string literal without its closing quote.
        public static let unterminatedString = Code(description: "unterminatedString")
        /// An unknown or malformed escape in a string literal.
        public static let invalidEscape = Code(description: "invalidEscape")
        /// A number literal too large to represent.
        public static let invalidNumber = Code(description: "invalidNumber")
        /// A token that does not fit the grammar where it appears, including a
        /// missing operand or closing bracket.
        public static let unexpectedToken = Code(description: "unexpectedToken")
        /// A name that is not one of the expression's roots.
        public static let unknownName = Code(description: "unknownName")
        /// A call of a function that does not exist.
        public static let unknownFunction = Code(description: "unknownFunction")
        /// A call with too few or too many arguments.
        public static let wrongArgumentCount = Code(description: "wrongArgumentCount")
        /// An object literal that names the same key twice.
        public static let duplicateKey = Code(description: "duplicateKey")
        /// An expression longer or nested deeper than the parser and evaluator take (they recurse).
        public static let tooComplex = Code(description: "tooComplex")
    }

    /// The kind of mistake.
    public var code: Code
    /// What was wrong, phrased as what was expected.
    public var message: String
    /// The 0-based `Character` offset in ``source`` where the offending token
    /// starts (the source's length when the expression ended too early). Callers
    /// add it to the expression's position in the topology file to report a column.
    public var offset: Int
    /// The complete expression text.
    public var source: String

    /// Creates an error.
    public init(code: Code, message: String, offset: Int, source: String) {
        self.code = code
        self.message = message
        self.offset = offset
        self.source = source
    }

    /// The message alone; the caller knows where the expression came from and
    /// adds the location in its own format.
    public var description: String { message }
}
