import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

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
