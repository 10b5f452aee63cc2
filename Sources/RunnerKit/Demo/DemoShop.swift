import DevSalesforce
import Logging
import ServiceLifecycle
import StreamCore
import Topologies

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

    /// Starts `runner dev-salesforce` in-process when a topology has a Salesforce sink and no
    /// `SALESFORCE_LOGIN_URL` is set, and points the sinks' settings in `environment` at it
    /// (client-credentials flow, with the stand-in's default connected app). The stand-in is a service
    /// for the runner's group; nil when none is needed.
    static func salesforceStandIn(for topologies: [TopologyDefinition], environment: inout [String: String], logger: Logger) async throws -> DevSalesforce? {
        guard topologies.contains(where: { !$0.sinks(of: SalesforceSinkDefinition.self).isEmpty }), environment["SALESFORCE_LOGIN_URL", default: ""].isEmpty else { return nil }
        let app = DevSalesforceConfiguration()
        let standIn = try await DevSalesforce.start(configuration: app, logger: logger)
        environment.merge([
            "SALESFORCE_LOGIN_URL": standIn.baseURL, "SALESFORCE_CLIENT_ID": app.clientID, "SALESFORCE_CLIENT_SECRET": app.clientSecret,
            "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
        ]) { _, demo in demo }
        logger.notice("started runner dev-salesforce for the Salesforce sinks (a stand-in, not Salesforce): see GET /records", metadata: ["url": "\(standIn.baseURL)"])
        return standIn
    }
}
