import Foundation

/// The interaction router's rules (issue: "The interaction router"), written independently of
/// StreamCore and the DSL, with Foundation's JSON parser: what each input record must become.
enum InteractionRoutingReference {
    enum Route: Equatable {
        /// Written to `topic` with `key`; `value` nil means "the input value, byte for byte".
        case routed(topic: String, key: String, value: [String: Any]?)
        case dropped
        case deadLettered

        static func == (lhs: Route, rhs: Route) -> Bool {
            switch (lhs, rhs) {
            case (.dropped, .dropped), (.deadLettered, .deadLettered): true
            case let (.routed(t1, k1, v1), .routed(t2, k2, v2)): t1 == t2 && k1 == k2 && (v1.map { NSDictionary(dictionary: $0) } == v2.map { NSDictionary(dictionary: $0) })
            default: false
            }
        }
    }

    static let browsingEvents: Set = ["Product Viewed", "Product List Viewed", "Products Searched", "Product Added", "Product Removed", "Cart Viewed", "Checkout Started"]
    static let orderEvents: Set = ["Order Completed", "Order Cancelled", "Order Refunded"]

    static func route(value bytes: [UInt8]?) -> Route {
        guard let bytes, let parsed = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]),
              let event = parsed as? [String: Any], let type = event["type"] as? String
        else { return .deadLettered }
        let name = event["event"] as? String
        let properties = event["properties"] as? [String: Any] ?? [:]
        func keyed(_ topic: String, _ key: Any?, _ value: [String: Any]? = nil) -> Route {
            guard let key = key as? String else { return .deadLettered }
            return .routed(topic: topic, key: key, value: value)
        }
        switch (type, name) {
        case ("track", let name?) where browsingEvents.contains(name):
            return keyed("customer-interactions", (event["userId"] as? String) ?? event["anonymousId"])
        case ("track", let name?) where orderEvents.contains(name):
            return keyed("order-events", properties["order_id"])
        case ("track", "Support Inquiry Submitted"):
            let context = event["context"] as? [String: Any] ?? [:]
            return keyed("support-inquiries", event["userId"], [
                "inquiry_id": properties["inquiry_id"] ?? NSNull(), "userId": event["userId"] ?? NSNull(),
                "channel": context["channel"] ?? NSNull(), "subject": properties["subject"] ?? NSNull(),
                "message": properties["message"] ?? NSNull(), "order_id": properties["order_id"] ?? NSNull(),
                "timestamp": event["timestamp"] ?? NSNull(),
            ])
        case ("identify", _):
            return keyed("identifies", event["userId"])
        default:
            return .dropped
        }
    }

    /// The support-inquiry fields in the order the issue lists them.
    static let supportFieldOrder = ["inquiry_id", "userId", "channel", "subject", "message", "order_id", "timestamp"]
}
