import StreamCore

/// Realistic raw tracking events for the shop, in Segment's format: browsing sessions with searches,
/// product views and cart changes, checkouts and orders (some cancelled or refunded), identifies,
/// support inquiries over several channels, page views (which the router drops), and a small share of
/// malformed records (which it dead-letters).
struct ShopEventGenerator {
    /// Where raw events go.
    static let topic = "tracking-events"
    /// The catalogue's product ids (`P1`, `P2`, …), for the demo's warehouse.
    static let productIDs = (1...200).map { "P\($0)" }

    /// One generated record: key and value bytes.
    struct Event {
        var key: [UInt8]?
        var value: [UInt8]
    }

    private var random: SeededRandom
    private let malformedRatio: Double
    private var clock: Int64
    private var messageCounter = 0
    private var orderCounter = 1000
    private var inquiryCounter = 0
    private var pending: [Event] = []
    private let products: [(id: String, category: String, price: Double)]
    private let customers: Int
    /// Events per second of event time, on average: the gap between two events is 1 ms to 2 s divided by it.
    private let eventsPerSecond: Double

    private static let categories = ["shoes", "shirts", "jackets", "bags", "hats", "socks", "watches", "toys"]
    private static let channels = ["email", "chat", "phone", "twitter", "facebook", "instagram"]
    private static let subjects = [
        ("Where is my order?", "Hi, my order has not arrived yet. Can you tell me where it is?"),
        ("Return request", "I would like to return the shoes, they are too small."),
        ("Payment problem", "My card was charged twice for the same order!"),
        ("Shipping costs", "How much does shipping to Austria cost?"),
        ("Cancel my order", "Please cancel my order, I ordered by mistake."),
        ("Refund status", "I returned an item two weeks ago and still have no refund."),
        ("Hello", "Do you have these jackets in blue?"),
    ]

    init(seed: UInt64, malformedRatio: Double = 0.02, startTime: Int64 = 1_795_780_800_000, customers: Int = 500, products: Int = productIDs.count, eventsPerSecond: Double = 1) {
        random = SeededRandom(seed: seed)
        self.malformedRatio = malformedRatio
        clock = startTime
        self.customers = customers
        self.eventsPerSecond = eventsPerSecond
        var random = SeededRandom(seed: seed ^ 0x5EED)
        self.products = (1...products).map { index in
            let category = Self.categories[Int(random.next() % UInt64(Self.categories.count))]
            let cents = 499 + Int(random.next() % 20_000)
            return ("P\(index)", category, Double(cents) / 100)
        }
    }

    /// The next event.
    mutating func next() -> Event {
        if pending.isEmpty { pending = session().reversed() }
        return pending.removeLast()
    }

    // MARK: - Sessions

    private mutating func session() -> [Event] {
        if Double.random(in: 0..<1, using: &random) < malformedRatio { return [malformed()] }
        let known = Double.random(in: 0..<1, using: &random) < 0.8
        let userID = known ? "C\(1 + Int(random.next() % UInt64(customers)))" : nil
        let anonymousID = "a-\(random.next() % 1_000_000)"
        let sessionID = "s-\(random.next() % 1_000_000_000)"
        let channel = ["web", "ios", "android"][Int(random.next() % 3)]
        var events: [Event] = []
        func add(_ type: String, _ event: String?, _ properties: JSONObject, context: JSONObject = JSONObject()) {
            let sessionContext = context.isEmpty ? object(("channel", .string(channel)), ("sessionId", .string(sessionID))) : context
            events.append(track(type: type, event: event, userID: userID, anonymousID: anonymousID, properties: properties, context: sessionContext))
        }
        if let userID, Double.random(in: 0..<1, using: &random) < 0.15 { events.append(identify(userID)) }
        if Double.random(in: 0..<1, using: &random) < 0.3 { add("page", nil, object(("path", .string("/")), ("title", .string("Home")))) }
        let category = Self.categories[Int(random.next() % UInt64(Self.categories.count))]
        add("track", "Product List Viewed", object(("category", .string(category))))
        if Double.random(in: 0..<1, using: &random) < 0.4 { add("track", "Products Searched", object(("query", .string("\(category) sale")))) }
        var cart: [(id: String, category: String, price: Double, quantity: Int)] = []
        for _ in 0..<(1 + Int(random.next() % 5)) {
            let product = products[Int(random.next() % UInt64(products.count))]
            add("track", "Product Viewed", productProperties(product, quantity: 1))
            if Double.random(in: 0..<1, using: &random) < 0.35 {
                let quantity = 1 + Int(random.next() % 3)
                cart.append((product.id, product.category, product.price, quantity))
                add("track", "Product Added", productProperties(product, quantity: quantity))
            }
        }
        if cart.count > 1, Double.random(in: 0..<1, using: &random) < 0.2 {
            let removed = cart.removeLast()
            add("track", "Product Removed", productProperties((removed.id, removed.category, removed.price), quantity: removed.quantity))
        }
        if !cart.isEmpty {
            let lineItems = JSONValue.array(cart.map { JSONValue.object(lineItem($0)) })
            add("track", "Cart Viewed", object(("products", lineItems)))
            if let userID, Double.random(in: 0..<1, using: &random) < 0.6 {
                add("track", "Checkout Started", object(("products", lineItems)))
                orderCounter += 1
                let orderID = JSONValue.string("O-\(orderCounter)")
                let total = JSONValue.double((cart.reduce(0.0) { $0 + $1.price * Double($1.quantity) } * 100).rounded() / 100)
                add("track", "Order Completed", object(("order_id", orderID), ("total", total), ("currency", .string("EUR")), ("products", lineItems)))
                let fate = Double.random(in: 0..<1, using: &random)
                let change = object(("order_id", orderID), ("total", total), ("currency", .string("EUR")))
                if fate < 0.05 {
                    add("track", "Order Cancelled", change)
                } else if fate < 0.08 {
                    add("track", "Order Refunded", change)
                }
                if Double.random(in: 0..<1, using: &random) < 0.15 { events.append(inquiry(userID, orderID: orderID.stringValue)) }
            }
        }
        if let userID, Double.random(in: 0..<1, using: &random) < 0.03 { events.append(inquiry(userID, orderID: nil)) }
        return events
    }

    private func productProperties(_ product: (id: String, category: String, price: Double), quantity: Int) -> JSONObject {
        object(("product_id", .string(product.id)), ("category", .string(product.category)), ("price", .double(product.price)), ("quantity", .int(Int64(quantity))))
    }

    private func lineItem(_ item: (id: String, category: String, price: Double, quantity: Int)) -> JSONObject {
        object(("product_id", .string(item.id)), ("quantity", .int(Int64(item.quantity))), ("price", .double(item.price)))
    }

    /// An object with `fields` in order (plain statements: large literals slow the type checker badly).
    private func object(_ fields: (String, JSONValue)...) -> JSONObject {
        var object = JSONObject()
        for (key, value) in fields { object[key] = value }
        return object
    }

    private mutating func inquiry(_ userID: String, orderID: String?) -> Event {
        inquiryCounter += 1
        let (subject, message) = Self.subjects[Int(random.next() % UInt64(Self.subjects.count))]
        var properties = object(("inquiry_id", .string("Q-\(inquiryCounter)")), ("subject", .string(subject)), ("message", .string(message)))
        if let orderID { properties["order_id"] = .string(orderID) }
        let channel = Self.channels[Int(random.next() % UInt64(Self.channels.count))]
        return track(type: "track", event: "Support Inquiry Submitted", userID: userID, anonymousID: nil, properties: properties, context: object(("channel", .string(channel))))
    }

    private mutating func identify(_ userID: String) -> Event {
        let number = userID.dropFirst()
        let traits = object(("email", .string("customer\(number)@example.com")), ("firstName", .string("Ada\(number)")), ("lastName", .string("Lovelace")))
        let value = object(("type", .string("identify")), ("messageId", .string(nextMessageID())), ("userId", .string(userID)),
                           ("timestamp", .string(nextTimestamp())), ("traits", .object(traits)))
        return Event(key: Array(userID.utf8), value: JSONValue.object(value).jsonBytes)
    }

    private mutating func track(type: String, event: String?, userID: String?, anonymousID: String?, properties: JSONObject, context: JSONObject) -> Event {
        var value = object(("type", .string(type)))
        if let event { value["event"] = .string(event) }
        value["messageId"] = .string(nextMessageID())
        if let userID { value["userId"] = .string(userID) }
        if let anonymousID { value["anonymousId"] = .string(anonymousID) }
        value["timestamp"] = .string(nextTimestamp())
        value["context"] = .object(context)
        value["properties"] = .object(properties)
        return Event(key: (userID ?? anonymousID).map { Array($0.utf8) }, value: JSONValue.object(value).jsonBytes)
    }

    private mutating func malformed() -> Event {
        let id = nextMessageID()
        let kinds: [String] = [
            "{\"type\":\"track\",\"event\":\"Product Viewed\",\"messageId\":\"\(id)\"",  // truncated JSON
            "not json at all \(id)",
            "[\"track\",\"\(id)\"]",  // JSON, not an object
            "{\"event\":\"Product Viewed\",\"messageId\":\"\(id)\"}",  // no type
            "{\"type\":42,\"messageId\":\"\(id)\"}",  // type not a string
            "\"just a string\"",
        ]
        return Event(key: Array("bad-\(id)".utf8), value: Array(kinds[Int(random.next() % UInt64(kinds.count))].utf8))
    }

    private mutating func nextMessageID() -> String {
        messageCounter += 1
        return "m-\(messageCounter)"
    }

    private mutating func nextTimestamp() -> String {
        clock += Int64((Double(1 + random.next() % 2000) / eventsPerSecond).rounded(.up))
        return EventTimestamp.formatISO8601(clock)
    }
}
