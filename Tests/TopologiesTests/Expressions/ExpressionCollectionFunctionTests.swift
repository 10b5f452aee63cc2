import Testing

@testable import StreamCore
@testable import Topologies

/// The array functions: expected values worked out by hand from each function's documented rule.
@Suite("Expression collection functions")
struct ExpressionCollectionFunctionTests {
    @Test func filterMapAndReduceSeeEachElement() throws {
        #expect(try evaluate("filter([1, 5, null, 7], item > 2)").jsonString == "[5,7]")
        #expect(try evaluate("filter(value.products, item.quantity > 1)").jsonString == #"[{"product_id":"P7","quantity":2}]"#)
        #expect(try evaluate("filter(['a', 'b', 'c'], index != 1)").jsonString == #"["a","c"]"#)
        #expect(try evaluate("map(value.products, concat(index, ':', item.product_id))").jsonString == #"["0:P7","1:P8"]"#)
        #expect(try evaluate("map([1, 2], item * value.quantity)").jsonString == "[2,4]")
        #expect(try evaluate("reduce(value.products, 0, acc + item.quantity)") == 3)
        #expect(try evaluate("reduce([], 'none', acc + item)") == "none")
        #expect(try evaluate("reduce(['a', 'b'], '', concat(acc, item))") == "ab")
        // Null collections flow through, as null fields do through the string functions.
        #expect(try evaluate("filter(value.missing, item)") == .null)
        #expect(try evaluate("map(value.missing, item)") == .null)
        #expect(try evaluate("reduce(value.missing, 0, acc + item)") == .null)
    }

    @Test func theInnermostBindingWinsAndTheNamesEndWithTheCall() throws {
        #expect(try evaluate("map([[1, 2], [3]], reduce(item, 0, acc + item))").jsonString == "[3,3]")
        #expect(try evaluate("map_values({a: [1, 2, 3]}, filter(item, item >= 2))").jsonString == #"{"a":[2,3]}"#)
        #expect(try evaluate("reduce([1, 2], 10, acc - item)") == 7)
        #expect(syntaxError("map([1], item) == item")?.message.contains("unknown name 'item'") == true)
        #expect(syntaxError("reduce(acc, 0, acc)")?.message.contains("unknown name 'acc'") == true)
        #expect(syntaxError("filter([1], index, 2)")?.message == "function 'filter' takes 2 arguments, got 3")
    }

    @Test func sortingOrdersNumbersOrStringsWithNullsLastAndTiesInPlace() throws {
        #expect(try evaluate("sort([3, 1.5, 2, null, -7])").jsonString == "[-7,1.5,2,3,null]")
        #expect(try evaluate("sort(['b', 'a', 'B'])").jsonString == #"["B","a","b"]"#)
        #expect(try evaluate("sort([])").jsonString == "[]")
        #expect(try evaluate("sort([9007199254740993, 9007199254740992.0])").jsonString == "[9007199254740992.0,9007199254740993]")
        #expect(
            try evaluate("sort_by([{n: 'x', p: 2}, {n: 'y', p: 1}, {n: 'z', p: 2}, {n: 'w'}], item.p)").jsonString
                == #"[{"n":"y","p":1},{"n":"x","p":2},{"n":"z","p":2},{"n":"w"}]"#
        )
        #expect(try evaluate("pluck(sort_by(value.products, -item.quantity), 'product_id')").jsonString == #"["P7","P8"]"#)
        #expect(try evaluate("reverse(sort([2, 3, 1]))").jsonString == "[3,2,1]")
        #expect(try evaluate("reverse('abc')") == "cba")
        let mixed = try #require(try evaluationError("sort([1, 'a'])"))
        #expect(mixed.message == "function 'sort' expects keys of one type to sort by (numbers or strings) for argument 1, got string")
        let objects = try #require(try evaluationError("sort_by([1], {a: item})"))
        #expect(objects.message == "function 'sort_by' expects numbers or strings to sort by for argument 2, got object")
    }

    @Test func totalsSkipNullsAsSQLAggregatesDo() throws {
        #expect(try evaluate("sum([1, 2, null, 4])") == 7)
        #expect(try evaluate("sum([1, 2.5])") == 3.5)
        #expect(try evaluate("sum([])") == 0)
        #expect(try evaluate("avg([1, 2, 3, null])") == 2)
        #expect(try evaluate("avg([1, 2])") == 1.5)
        #expect(try evaluate("avg([null])") == .null)
        #expect(try evaluate("min([3, 1, 2])") == 1)
        #expect(try evaluate("max([3, null, 2.5])") == 3)
        #expect(try evaluate("max([])") == .null)
        #expect(try evaluate("sum(pluck(value.products, 'quantity'))") == 3)
        // With several arguments min and max keep their rule: a null argument makes the result null.
        #expect(try evaluate("min(3, null)") == .null)
        #expect(try evaluationError("sum([1, 'two'])")?.message == "function 'sum' expects an array of numbers for argument 1, got string")
        #expect(try evaluationError("sum([9223372036854775807, 1])")?.code == .integerOverflow)
        #expect(try evaluationError("avg('12')")?.message == "function 'avg' expects an array for argument 1, got string")
    }

    @Test func distinctSliceAndIndexOf() throws {
        #expect(try evaluate("distinct([1, 'a', 1.0, null, 'a', null])").jsonString == #"[1,"a",null]"#)
        #expect(try evaluate("slice([0, 1, 2, 3, 4], 1, 3)").jsonString == "[1,2]")
        #expect(try evaluate("slice([0, 1, 2, 3, 4], -2)").jsonString == "[3,4]")
        #expect(try evaluate("slice([0, 1, 2], 2, 99)").jsonString == "[2]")
        #expect(try evaluate("slice([0, 1, 2], 2, 1)").jsonString == "[]")
        #expect(try evaluate("slice([0, 1, 2], -99, -1)").jsonString == "[0,1]")
        #expect(try evaluate("slice('héllo', 1, 3)") == "él")
        #expect(try evaluationError("slice([1], 'a')")?.message == "function 'slice' expects an integer position for argument 2, got string")
        #expect(try evaluate("index_of(value.tags, 'b')") == 1)
        #expect(try evaluate("index_of(value.tags, 'z')") == -1)
        #expect(try evaluate("index_of([1, 2], 2.0)") == 1)
        #expect(try evaluate("index_of('héllo', 'llo')") == 2)
        #expect(try evaluate("index_of(value.missing, 1)") == .null)
    }
}
