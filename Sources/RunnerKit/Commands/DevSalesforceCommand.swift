import ArgumentParser
import DevSalesforce
import Foundation
import ServiceLifecycle
import StreamCore

/// `runner dev-salesforce`: a local stand-in for Salesforce's REST API, for developing and testing the
/// Salesforce sink where no org can be reached.
struct DevSalesforceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-salesforce",
        abstract: "Run a local Salesforce REST stand-in (a development tool, not Salesforce) until SIGINT/SIGTERM.",
        discussion: """
            Prints its base URL (the login URL and instance_url) as the first line of standard output. Serves \
            the OAuth token endpoint, sObject collections and single upserts by external id and composite \
            requests, in Salesforce's wire format; GET /records and /requests show what arrived; POST \
            /dev/faults scripts failures. See docs/SINKS.md.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(help: "The connected app's consumer key (client_id; a JWT's iss).")
    var clientID = "tributary-dev"

    @Option(help: "The connected app's consumer secret (client-credentials grant).")
    var clientSecret = "dev-secret"

    @Option(help: "The integration user (a JWT's sub).")
    var username = "integration@example.com"

    @Option(help: "PEM RSA public key that JWT-bearer assertions must be signed for; without it that grant is refused.")
    var publicKeyFile: String?

    @Option(help: "API requests allowed before calls answer 403 REQUEST_LIMIT_EXCEEDED.")
    var dailyLimit = 100_000

    @Option(help: "How long access tokens stay valid.")
    var tokenLifetimeSeconds = 7200

    @Option(help: "A fault script (JSON) in force from the start.")
    var faults: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard dailyLimit > 0 else { throw ValidationError("--daily-limit must be positive") }
        guard tokenLifetimeSeconds > 0 else { throw ValidationError("--token-lifetime-seconds must be positive") }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "tributary.dev-salesforce")
        var configuration = DevSalesforceConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.clientID = clientID
        configuration.clientSecret = clientSecret
        configuration.username = username
        configuration.dailyRequestLimit = dailyLimit
        configuration.tokenLifetime = .seconds(tokenLifetimeSeconds)
        configuration.jwtPublicKeyPEM = try publicKeyFile.map { try String(contentsOfFile: $0, encoding: .utf8) }
        if let faults {
            let text = try String(contentsOfFile: faults, encoding: .utf8)
            do {
                configuration.faultScript = try JSONValue(parsing: text)
            } catch {
                throw ValidationError("\(faults): not JSON: \(error)")
            }
        }
        let standIn: DevSalesforce
        do {
            standIn = try await DevSalesforce.start(configuration: configuration, logger: logger)
        } catch let error as DevSalesforceError {
            throw ValidationError(error.message)
        }
        // The first line of stdout is the contract scripts and tests read.
        FileHandle.standardOutput.write(Data((standIn.baseURL + "\n").utf8))
        logger.notice("Salesforce stand-in serving (a development tool, not Salesforce); stop with SIGINT or SIGTERM", metadata: [
            "url": "\(standIn.baseURL)", "jwt": "\(publicKeyFile == nil ? "disabled" : "enabled")",
        ])
        let group = ServiceGroup(services: [standIn], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
