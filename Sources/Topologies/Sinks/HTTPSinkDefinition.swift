import Foundation
import Logging
import Sinks
import StreamCore

/// `http: { url: URL, method: POST|PUT, headers: {...}, body: TEMPLATE, batch: {...}, parallel: N }` —
/// sends each record's body to an HTTP endpoint (docs/SINKS.md).
public struct HTTPSinkDefinition: SinkDefinition {
    public static let keyword = "http"

    public typealias Method = WebhookDestination.Method

    /// The name defaults to `http-<pipeline>`. With `batch:` (default size 100), one request carries
    /// up to that many bodies as a JSON array; without, each record is its own request.
    public var delivery: SinkDeliveryOptions
    /// `url:` — literal or with `${VAR}`, read when the topology starts.
    public var url: EnvironmentSetting
    public var method: Method
    /// `body:` — default: the record's value.
    public var body: ValueTemplate?
    /// Headers whose values contain `${VAR}`: read from the environment at start, the same for every request.
    public var fixedHeaders: [String: EnvironmentSetting]
    /// Headers whose values are expressions over the record.
    public var recordHeaders: [String: ExpressionText]
    /// `parallel:` — requests in flight at once without a batch (default 8).
    public var parallel: Int

    /// Builds each request's body and per-record headers as `{"body": ..., "headers": {...}}`, keyed
    /// as the record is.
    public func messageBuilder() -> @Sendable (inout StreamRecord) throws -> Void {
        let body = body.map(CompiledTemplate.init)
        let headers = recordHeaders.sorted { $0.key < $1.key }.map { ($0.key, RecordEvaluator($0.value)) }
        return { record in
            var message = JSONObject()
            message["body"] = try body?.build(for: record) ?? record.value
            if !headers.isEmpty {
                message["headers"] = .object(JSONObject(try headers.map { name, evaluator in
                    let value = try evaluator.evaluate(record)
                    return (name, .string(value.stringValue ?? JSONSerializer.serializeToString(value)))
                }))
            }
            record.value = .object(message)
        }
    }

    /// The URL and fixed headers, read from `environment`.
    public func destination(environment: [String: String], logger: Logger) -> Result<any SinkDestination, SinkSettingProblem> {
        guard let text = url.resolve(in: environment) else { return .failure(.notSet("'url'", from: url)) }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            return .failure(SinkSettingProblem("'url' is not an http(s) URL: '\(text)'"))
        }
        var headers: [String: String] = [:]
        for (name, setting) in fixedHeaders {
            guard let value = setting.resolve(in: environment) else { return .failure(.notSet("header '\(name)'", from: setting)) }
            headers[name] = value
        }
        logger.info("http sink configured", metadata: ["sink": "\(delivery.name.value)", "method": "\(method.rawValue)", "host": "\(url.host ?? "")"])
        return .success(WebhookDestination(endpoint: WebhookDestination.Endpoint(url: url, method: method, headers: headers, sendsArrays: delivery.batch != nil)))
    }

    /// Each notification is sent, none replaces another; without a batch, `parallel` go at once.
    public func configure(_ worker: inout SinkWorkerConfiguration) {
        worker.coalescesByKey = false
        if delivery.batch == nil {
            worker.batchSize = parallel
            worker.linger = .zero
        }
    }

    public var summary: String {
        "HTTP \(method.rawValue) \(url.text.value), \(delivery.batch.map { "batches of \($0.size)" } ?? "\(parallel) requests at once")"
    }
}

extension HTTPSinkDefinition: SinkStep {
    static let fields = ["body", "headers", "method", "parallel", "url"]

    static func parse(_ fields: YAMLFields, delivery: SinkDeliveryOptions, _ step: StepParser.StepPosition, _ parser: inout StepParser) -> Self? {
        let url = fields.required("url", &parser.diagnostics).flatMap { parser.environmentSetting($0, "a URL or ${VARIABLE}", for: "url") }
        var isComplete = true
        let body = parser.optionalField(fields["body"], &isComplete) { $0.template(for: "body", roots: StepParser.recordRoots, &$1) }
        let parallel = parser.optionalField(fields["parallel"], &isComplete) { $0.positiveInteger(for: "'parallel'", &$1) }
        let method = parser.optionalField(fields["method"], &isComplete) { node, diagnostics -> Method? in
            guard let text = node.string("a method", for: "'method'", &diagnostics) else { return nil }
            guard let method = Method(rawValue: text.value.uppercased()) else {
                diagnostics.report("unknown method '\(text.value)'; expected POST or PUT", at: text.location)
                return nil
            }
            return method
        }
        let headers = fields["headers"].map { parser.headerSettings($0) }
        if isUnreadable(headers) { isComplete = false }
        guard isComplete, let url else { return nil }
        if delivery.batch != nil, let recordHeader = headers??.record.keys.sorted().first {
            parser.diagnostics.report(
                "header '\(recordHeader)' is computed per record, but a batch sends many records in one request; use ${VARIABLE} values or no batch",
                at: fields.key("headers")!.location)
            return nil
        }
        return HTTPSinkDefinition(
            delivery: delivery, url: url, method: method ?? .post, body: body, fixedHeaders: headers??.fixed ?? [:], recordHeaders: headers??.record ?? [:],
            parallel: parallel ?? 8)
    }
}

extension StepParser {
    /// Header values with `${VAR}` are read from the environment; others are expressions over the record.
    fileprivate mutating func headerSettings(_ node: YAMLNode) -> (fixed: [String: EnvironmentSetting], record: [String: ExpressionText])? {
        guard let entries = node.mapping(for: "'headers'", &diagnostics) else { return nil }
        var fixed: [String: EnvironmentSetting] = [:]
        var record: [String: ExpressionText] = [:]
        var isComplete = true
        for entry in entries {
            guard let name = entry.key.string("a header name", for: "'headers'", &diagnostics) else {
                isComplete = false
                continue
            }
            if let text = entry.value.text, text.contains("${") {
                fixed[name.value] = EnvironmentSetting(Located(text, at: entry.value.location))
            } else if let expression = entry.value.expression(for: "header '\(name.value)'", roots: StepParser.recordRoots, &diagnostics) {
                record[name.value] = expression
            } else {
                isComplete = false
            }
        }
        return isComplete ? (fixed, record) : nil
    }
}
