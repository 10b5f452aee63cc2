import StreamCore

extension GeneratedView {
    /// `count` interactions from 2026-11-27T10:00Z whose event times only increase, by 1 ms to `maxStep`
    /// each: of `users` shoppers and `products` products, `viewsInTen` in ten of them `Product Viewed`
    /// (the others `Cart Viewed`). No view is late, whatever partitions they are spread over.
    static func inEventTimeOrder(count: Int, seed: UInt64, users: Int, products: Int, maxStep: Int64, viewsInTen: Int = 10) -> [GeneratedView] {
        var random = SeededRandom(seed: seed)
        var time: Int64 = 1_795_773_600_000
        return (0..<count).map { _ in
            time += Int64.random(in: 1...maxStep, using: &random)
            let user = "C\(Int.random(in: 0..<users, using: &random))"
            let product = "P\(Int.random(in: 1...products, using: &random))"
            let event = Int.random(in: 0..<10, using: &random) < viewsInTen ? "Product Viewed" : "Cart Viewed"
            let json = #"{"type":"track","event":"\#(event)","userId":"\#(user)","timestamp":"\#(EventTimestamp.formatISO8601(time))","properties":{"product_id":"\#(product)"}}"#
            return GeneratedView(user: user, event: event, product: product, time: time, json: json)
        }
    }

    /// The records that once stopped event-time topologies — a date in year 9999, `1e30`, year 1, a
    /// negative time, a `+99:00` offset, a value of about 1 MB (its event time `hugeValueTime`) — each
    /// keyed by what it is, with the kind of dead letter it must become and a part of its reason.
    static func hostile(hugeValueTime: Int64) -> [(view: GeneratedView, kind: String, reason: String)] {
        func view(_ user: String, timestamp: String, extra: String = "") -> GeneratedView {
            let json = #"{"type":"track","event":"Product Viewed","userId":"\#(user)","timestamp":\#(timestamp),"properties":{"product_id":"P1"\#(extra)}}"#
            return GeneratedView(user: user, event: "Product Viewed", product: "P1", time: 0, json: json)
        }
        return [
            (view("far-future", timestamp: #""9999-12-31T23:59:59.999Z""#), "invalid-event-time", "ahead of the wall clock"),
            (view("huge-number", timestamp: "1e30"), "invalid-event-time", "event-time"),
            (view("year-one", timestamp: #""0001-01-01T00:00:00.000Z""#), "invalid-event-time", "before 1970-01-01"),
            (view("negative", timestamp: "-1"), "invalid-event-time", "before 1970-01-01"),
            (view("offset", timestamp: #""2026-11-27T10:10:00+99:00""#), "invalid-event-time", "event-time"),
            // Just small enough to be produced; its repartition record would be too large to produce.
            (view("huge-value", timestamp: "\(hugeValueTime)", extra: #","note":"\#(String(repeating: "x", count: 998_900))""#), "output-too-large", "bytes"),
        ]
    }
}
