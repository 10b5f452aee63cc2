import StreamCore

/// A shop's browsing and buying history with planted taste structure, for judging recommendations:
/// the catalogue is split into hidden groups of products that the same shoppers like, behind opaque
/// product ids, and each shopper favours one or two groups. Bestsellers are browsed by everyone, as
/// noise. Each shopper's last session with a purchase is held out: what they buy first there is the
/// "next purchase" a recommender should foresee from the history before it.
struct TasteHistory {
    /// One event of the history, as the shop's topics carry it (../shared/DESIGN.md §1).
    struct Event {
        var topic: String
        var key: String
        var value: JSONValue
        var time: Int64
        /// The id the recommendations document reports as the last event it reflects.
        var id: String
    }

    /// The events before the held-out sessions, in time order.
    private(set) var events: [Event] = []
    /// Per held-out shopper, the product they buy next (one they never bought before).
    private(set) var nextPurchases: [String: String] = [:]
    /// Per shopper, the id of their last event in ``events``.
    private(set) var lastEventIDs: [String: String] = [:]
    /// Per shopper, the products they bought in ``events`` (a product bought twice, twice).
    private(set) var purchasesInHistory: [String: [String]] = [:]
    /// The product ids, group by group (the grouping is what the recommender must discover).
    let groups: [[String]]

    init(seed: UInt64, customers: Int, groups groupCount: Int, productsPerGroup: Int, start: Int64 = 1_795_780_800_000) {
        var random = SeededRandom(seed: seed)
        // Opaque ids: nothing in a product's id tells its group.
        var ids = Set<String>()
        while ids.count < groupCount * productsPerGroup { ids.insert("P\(10_000 + random.next() % 90_000)") }
        let catalogue = ids.sorted().shuffled(using: &random)
        groups = (0..<groupCount).map { Array(catalogue[($0 * productsPerGroup)..<(($0 + 1) * productsPerGroup)]) }
        // Popularity within a group and overall falls off like 1/rank, so the most-popular baseline has
        // something to go by.
        let bestsellers = Array(catalogue.prefix(max(5, catalogue.count / 10)))
        var messages = 0
        var orders = 0
        var held: [Event] = []
        for customer in 1...customers {
            let shopper = "C\(customer)"
            var tastes = [groups[Int(random.next() % UInt64(groupCount))]]
            if Double.random(in: 0..<1, using: &random) < 0.3 { tastes.append(groups[Int(random.next() % UInt64(groupCount))]) }
            let sessions = 4 + Int(random.next() % 5)
            var time = start + Int64(random.next() % 86_400_000)
            var shopperEvents: [[Event]] = []
            var purchases: [(session: Int, products: [String])] = []
            for session in 0..<sessions {
                var sessionEvents: [Event] = []
                func emit(_ topic: String, key: String, _ value: JSONValue, id: String) {
                    sessionEvents.append(Event(topic: topic, key: key, value: value, time: time, id: id))
                    time += 30_000 + Int64(random.next() % 90_000)
                }
                func interaction(_ event: String, _ product: String) {
                    messages += 1
                    let id = "m-\(seed)-\(messages)"
                    emit("customer-interactions", key: shopper, Self.interaction(event, shopper: shopper, product: product, id: id, time: time), id: id)
                }
                let taste = tastes[Int(random.next() % UInt64(tastes.count))]
                var liked: [String] = []
                for _ in 0..<(3 + Int(random.next() % 6)) {
                    if Double.random(in: 0..<1, using: &random) < 0.65 {
                        let product = Self.pickFavouringFirst(taste, using: &random)
                        liked.append(product)
                        interaction("Product Viewed", product)
                    } else {
                        interaction("Product Viewed", Self.pickFavouringFirst(bestsellers, using: &random))
                    }
                }
                let added = Array(Set(liked).sorted().shuffled(using: &random).prefix(1 + Int(random.next() % 2)))
                for product in added { interaction("Product Added", product) }
                if !added.isEmpty, Double.random(in: 0..<1, using: &random) < 0.6 {
                    orders += 1
                    messages += 1
                    let order = "O-\(seed)-\(orders)"
                    let id = "m-\(seed)-\(messages)"
                    emit("order-events", key: order, [
                        "type": "track", "event": "Order Completed", "messageId": .string(id), "userId": .string(shopper),
                        "timestamp": .string(EventTimestamp.formatISO8601(time)),
                        "properties": ["order_id": .string(order), "products": .array(added.map { ["product_id": .string($0), "quantity": 1] })],
                    ], id: id)
                    purchases.append((session, added))
                }
                shopperEvents.append(sessionEvents)
                // The next session starts hours to days later.
                time += 2 * 3_600_000 + Int64(random.next() % (4 * 86_400_000))
            }
            // Hold out the last session with a purchase when the history before it has one too and
            // the shopper buys something new there.
            var kept = shopperEvents.count
            if purchases.count >= 2, let last = purchases.last {
                let earlier = Set(purchases.dropLast().flatMap(\.products))
                if let next = last.products.first(where: { !earlier.contains($0) }) {
                    nextPurchases[shopper] = next
                    kept = last.session
                }
            }
            purchasesInHistory[shopper] = purchases.filter { $0.session < kept }.flatMap(\.products)
            let history = shopperEvents.prefix(kept).flatMap { $0 }
            if let last = history.last { lastEventIDs[shopper] = last.id }
            held += history
        }
        events = held.sorted { $0.time < $1.time }
    }

    /// A tracking event of `shopper`, about `product` if given, in the shop's format.
    static func interaction(_ event: String, shopper: String, product: String?, id: String, time: Int64) -> JSONValue {
        [
            "type": "track", "event": .string(event), "messageId": .string(id), "userId": .string(shopper),
            "timestamp": .string(EventTimestamp.formatISO8601(time)), "properties": .object(JSONObject(product.map { [("product_id", .string($0))] } ?? [])),
        ]
    }

    /// Each held-out shopper coming back to the shop at `time`, before choosing anything: a product list
    /// viewed, which says nothing about the next purchase but lets recommendations be recomputed.
    func returnVisits(at time: Int64) -> [Event] {
        nextPurchases.keys.sorted().map { shopper in
            let id = "return-\(shopper)"
            return Event(topic: "customer-interactions", key: shopper, value: Self.interaction("Product List Viewed", shopper: shopper, product: nil, id: id, time: time), time: time, id: id)
        }
    }

    /// The most-popular baseline: the products bought most often in the history, most first, ties by id.
    var mostBought: [String] {
        var counts: [String: Int] = [:]
        for product in purchasesInHistory.values.joined() { counts[product, default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
    }

    /// An element of `list`, the first ones likelier (weight 1 / rank).
    private static func pickFavouringFirst(_ list: [String], using random: inout SeededRandom) -> String {
        let total = (1...list.count).reduce(0.0) { $0 + 1 / Double($1) }
        var target = Double.random(in: 0..<total, using: &random)
        for (index, element) in list.enumerated() {
            target -= 1 / Double(index + 1)
            if target < 0 { return element }
        }
        return list[list.count - 1]
    }
}
