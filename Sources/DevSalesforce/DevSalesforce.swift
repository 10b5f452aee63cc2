import HTTPServing
import Logging
import ServiceLifecycle

/// A local stand-in for Salesforce's REST API, for developing and testing the Salesforce sink where no
/// org can be reached. It is a development tool, not Salesforce: records live in memory, and only what
/// the sink speaks is served, in Salesforce's wire format, errors included.
///
/// Salesforce endpoints:
/// - `POST /services/oauth2/token`: client-credentials grant, or JWT-bearer grant when a public key is set.
/// - `PATCH /services/data/vNN.N/composite/sobjects/{SObject}/{ExternalIdField}`: collections upsert.
/// - `POST /services/data/vNN.N/composite/sobjects`: collections create.
/// - `PATCH /services/data/vNN.N/composite/sobjects`: collections update by `Id`.
/// - `PATCH /services/data/vNN.N/sobjects/{SObject}/{ExternalIdField}/{value}`: single upsert.
/// - `POST /services/data/vNN.N/composite`: up to 25 of the above in one call.
///
/// Development endpoints: `GET /records`, `GET /records/{SObject}`, `GET /requests`,
/// `POST /dev/faults` (replaces the fault script; see below), `DELETE /dev/faults`, `GET /dev/health`.
///
/// Fault script: `{"faults":[{"kind":"invalid-session","count":1},{"kind":"unavailable","seconds":30},
/// {"kind":"request-limit","count":1},{"kind":"concurrent-limit","count":2},
/// {"kind":"slow","milliseconds":1500,"count":3},
/// {"kind":"record-error","statusCode":"DUPLICATE_VALUE","fraction":0.01}]}` — docs/SINKS.md tells
/// the semantics.
public final class DevSalesforce: Service, Sendable {
    /// Where clients reach the stand-in, e.g. `http://127.0.0.1:43125`: the login URL and the
    /// `instance_url` handed out with tokens.
    public let baseURL: String
    private let server: HTTPServer

    private init(baseURL: String, server: HTTPServer) {
        self.baseURL = baseURL
        self.server = server
    }

    /// Checks the configuration, binds the port and starts answering.
    ///
    /// - Throws: ``DevSalesforceError`` for an unusable public key or fault script; NIO's `IOError`
    ///   when the address cannot be bound.
    public static func start(configuration: DevSalesforceConfiguration, logger: Logger) async throws -> DevSalesforce {
        let standIn = try SalesforceStandIn(configuration: configuration, logger: logger)
        let server = try await HTTPServer.bind(configuration: .init(host: configuration.host, port: configuration.port), logger: logger) { request in
            await standIn.respond(to: request)
        }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let baseURL = "http://\(host):\(server.port)"
        await standIn.listening(at: baseURL)
        return DevSalesforce(baseURL: baseURL, server: server)
    }

    /// Serves until graceful shutdown.
    public func run() async throws {
        try await server.run()
    }
}
