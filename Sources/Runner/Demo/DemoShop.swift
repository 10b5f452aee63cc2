import DevSalesforce
import Logging
import ServiceLifecycle
import StreamCore

/// What `--demo` runs around the topologies: the generator of tracking events always, and the parts of
/// the outside world the loaded topologies talk to — the warehouse when one reads `inventory`, the
/// payment gateway when one writes `payment-requests`, and `runner dev-salesforce` for Salesforce sinks.
enum DemoShop {
    /// Tracking events per second.
    static let eventsPerSecond = 200

    static func services(for topologies: [Topology], bootstrapServers: String, logger: Logger) throws -> [any Service] {
        var services: [any Service] = []
        if topologies.contains(where: { $0.sourceTopics.contains(DemoInventory.topic) }) {
            services.append(DemoInventory(bootstrapServers: bootstrapServers, products: ShopEventGenerator.productIDs, logger: logger))
        }
        if topologies.contains(where: { $0.sinkTopics.contains(DemoPaymentGateway.requests) }) {
            services.append(DemoPaymentGateway(bootstrapServers: bootstrapServers, logger: logger))
        }
        // Last, so it stops first on shutdown.
        services.append(try GeneratorService(bootstrapServers: bootstrapServers, eventsPerSecond: eventsPerSecond, logger: logger))
        return services
    }

    /// The connection settings of the Salesforce sinks, pointed at `standIn` (client-credentials flow,
    /// with the stand-in's default connected app).
    static func salesforceSettings(_ standIn: DevSalesforce) -> [String: String] {
        let app = DevSalesforceConfiguration()
        return [
            "SALESFORCE_LOGIN_URL": standIn.baseURL, "SALESFORCE_CLIENT_ID": app.clientID, "SALESFORCE_CLIENT_SECRET": app.clientSecret,
            "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
        ]
    }
}
