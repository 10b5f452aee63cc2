import Foundation
import Testing

@testable import StreamCore
@testable import Topologies

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
