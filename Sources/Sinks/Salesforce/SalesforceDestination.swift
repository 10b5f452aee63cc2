import Foundation
import Logging
import Metrics
import StreamCore
import Synchronization

/// Writes batches to Salesforce with sObject Collections (up to 200 records per call, one API
/// request), signing in through ``SalesforceTokenProvider`` and sorting every answer into
/// ``SinkDelivery`` (see docs/SINKS.md for what each error does).
public final class SalesforceDestination: SinkDestination {
    private let write: SalesforceObjectWrite
    private let tokens: SalesforceTokenProvider
    private let transport: HTTPTransport
    private let usage = Mutex<SalesforceLimitInfo?>(nil)
    private let usedGauge: Gauge
    private let limitGauge: Gauge

    public init(sink: String, write: SalesforceObjectWrite, connection: SalesforceConnection, transport: HTTPTransport = HTTPTransport()) {
        self.write = write
        self.transport = transport
        tokens = SalesforceTokenProvider(connection: connection, transport: transport)
        usedGauge = Gauge(label: "tributary_salesforce_api_requests_used", dimensions: [("sink", sink)])
        limitGauge = Gauge(label: "tributary_salesforce_api_requests_limit", dimensions: [("sink", sink)])
    }

    public func deliver(_ batch: [SinkRecord]) async -> SinkDelivery {
        do {
            var session = try await tokens.session()
            var response = try await call(batch, session: session)
            if response.status == 401 {
                // The session expired or was revoked: one renewal (shared), then one replay.
                session = try await tokens.renew(rejected: session)
                response = try await call(batch, session: session)
            }
            note(response)
            return SalesforceAnswer.classify(response, count: batch.count)
        } catch let failure as SalesforceSignInFailure {
            switch failure {
            case .refused(let message): return .fatal(reason: message)
            case .unavailable(let message): return .retryBatch(reason: message, retryAfter: nil)
            }
        } catch {
            return .retryBatch(reason: "\(error)", retryAfter: nil)
        }
    }

    public func pacing() async -> Duration {
        guard let usage = usage.withLock({ $0 }), usage.fraction >= write.slowDownAt else { return .zero }
        return write.slowPace
    }

    /// One collections call: PATCH (upsert, update) or POST (insert) `composite/sobjects`.
    private func call(_ batch: [SinkRecord], session: SalesforceSession) async throws -> HTTPExchange.Response {
        var path = "services/data/v\(write.apiVersion)/composite/sobjects"
        let method: String
        switch write.operation {
        case .upsert(let field):
            path += "/\(write.sObject)/\(field)"
            method = "PATCH"
        case .update: method = "PATCH"
        case .insert: method = "POST"
        }
        let records: [JSONValue] = batch.map { record in
            var fields = record.body.objectValue ?? JSONObject()
            fields["attributes"] = .object(["type": .string(write.sObject)])
            return .object(fields)
        }
        let body: JSONValue = .object(["allOrNone": .bool(false), "records": .array(records)])
        return try await transport.send(method, session.instanceURL.appendingPathComponent(path), headers: [
            "Authorization": "Bearer \(session.accessToken)", "Content-Type": "application/json", "Accept": "application/json",
        ], body: JSONSerializer.serialize(body))
    }

    private func note(_ response: HTTPExchange.Response) {
        guard let header = response.headers["sforce-limit-info"], let info = SalesforceLimitInfo(header: header) else { return }
        usage.withLock { $0 = info }
        usedGauge.record(info.used)
        limitGauge.record(info.limit)
    }
}
