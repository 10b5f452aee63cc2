import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

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
