import Foundation
import StreamCore

/// Delivers records to an HTTP endpoint: each record's body in its own request (several at once), or
/// a batch's bodies as one JSON array.
///
/// 2xx is delivered; 408, 429, 5xx and network errors are retried (honouring `Retry-After`); any
/// other 4xx sends the record to the dead-letter topic with the status and the answer's start.
public struct WebhookDestination: SinkDestination {
    public enum Method: String, Sendable {
        case post = "POST"
        case put = "PUT"
    }

    /// Where, how, and with which fixed headers (already read from the environment).
    public struct Endpoint: Sendable, CustomStringConvertible {
        public var url: URL
        public var method: Method
        public var headers: [String: String]
        /// One request per batch with a JSON array body, rather than one request per record.
        public var sendsArrays: Bool

        public init(url: URL, method: Method, headers: [String: String], sendsArrays: Bool) {
            self.url = url
            self.method = method
            self.headers = headers
            self.sendsArrays = sendsArrays
        }

        /// The endpoint as logs may show it: credentials in its URL and headers masked.
        public var description: String {
            let shownHeaders = headers.sorted { $0.key < $1.key }.map { "\($0.key): \(Redaction.redacted(header: $0.key, value: $0.value))" }
            return "\(method.rawValue) \(Redaction.redacted(url: url.absoluteString))" + (shownHeaders.isEmpty ? "" : " [\(shownHeaders.joined(separator: ", "))]")
        }
    }

    static let statusHeader = "tributary.http.status"
    static let answerHeader = "tributary.http.answer"

    private let endpoint: Endpoint
    private let transport: HTTPTransport

    public init(endpoint: Endpoint, transport: HTTPTransport = HTTPTransport(timeout: .seconds(30))) {
        self.endpoint = endpoint
        self.transport = transport
    }

    /// A record of an `http` sink topic: `{"body": ..., "headers": {...}}` as the topology wrote it.
    private struct Message {
        var body: JSONValue
        var headers: [String: String]

        init(_ record: SinkRecord) {
            body = record.body["body"] ?? .null
            headers = (record.body["headers"]?.objectValue).map { object in
                Dictionary(object.map { ($0.key, $0.value.stringValue ?? JSONSerializer.serializeToString($0.value)) }) { first, _ in first }
            } ?? [:]
        }
    }

    public func deliver(_ batch: [SinkRecord]) async -> SinkDelivery {
        if endpoint.sendsArrays {
            let body = JSONValue.array(batch.map { Message($0).body })
            switch await send(body, headers: [:]) {
            case .delivered: return .perRecord(Array(repeating: .delivered, count: batch.count))
            case .retry(let reason, let retryAfter): return .retryBatch(reason: reason, retryAfter: retryAfter)
            case .refused(let outcome): return .perRecord(Array(repeating: outcome, count: batch.count))
            }
        }
        let answers = await withTaskGroup(of: (Int, Answer).self) { group in
            for (index, record) in batch.enumerated() {
                let message = Message(record)
                group.addTask { (index, await send(message.body, headers: message.headers)) }
            }
            var answers = [Answer](repeating: .delivered, count: batch.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers
        }
        let retries = answers.compactMap { answer -> (String, Duration?)? in
            if case .retry(let reason, let retryAfter) = answer { return (reason, retryAfter) }
            return nil
        }
        // Every request failing alike means the endpoint is down: pause and back off as a whole.
        if retries.count == batch.count, let first = retries.first {
            return .retryBatch(reason: first.0, retryAfter: retries.compactMap(\.1).max())
        }
        return .perRecord(answers.map { answer in
            switch answer {
            case .delivered: .delivered
            case .retry(let reason, _): .retry(reason: reason)
            case .refused(let outcome): outcome
            }
        })
    }

    public func pacing() async -> Duration { .zero }

    private enum Answer {
        case delivered
        case retry(String, Duration?)
        case refused(SinkDelivery.RecordOutcome)
    }

    private func send(_ body: JSONValue, headers: [String: String]) async -> Answer {
        var allHeaders = ["Content-Type": "application/json"]
        allHeaders.merge(endpoint.headers) { _, new in new }
        allHeaders.merge(headers) { _, new in new }
        let response: HTTPExchange.Response
        do {
            response = try await transport.send(endpoint.method.rawValue, endpoint.url, headers: allHeaders, body: JSONSerializer.serialize(body))
        } catch {
            return .retry(error.description, nil)
        }
        let answer = String(decoding: response.body.prefix(500), as: UTF8.self)
        switch response.status {
        case 200..<300:
            return .delivered
        case 408, 429, 500...:
            let retryAfter = response.headers["retry-after"].flatMap(Int.init).map { Duration.seconds($0) }
            return .retry("HTTP \(response.status) from \(endpoint.url.host ?? "the endpoint"): \(answer)", retryAfter)
        default:
            return .refused(.deadLetter(reason: "the endpoint refused the record with HTTP \(response.status)", headers: [
                KafkaHeader(Self.statusHeader, String(response.status)), KafkaHeader(Self.answerHeader, answer),
            ]))
        }
    }
}
