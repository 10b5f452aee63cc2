import Logging
import Sinks
import StreamCore

/// `file: { path: PATH, value: TEMPLATE }` — appends each record to a file as one line of JSON: for
/// local runs, audits and hand-offs to tools that read JSON Lines (docs/SINKS.md).
public struct FileSinkDefinition: SinkDefinition {
    public static let keyword = "file"

    /// The name defaults to `file-<pipeline>`; batches default to 500 lines or what waited 200 ms.
    public var delivery: SinkDeliveryOptions
    /// `path:` — literal or with `${VAR}`, read when the topology starts.
    public var path: EnvironmentSetting
    /// `value:` — each line; default: the record's value.
    public var value: ValueTemplate?

    public func messageBuilder() -> @Sendable (inout StreamRecord) throws -> Void {
        let value = value.map(CompiledTemplate.init)
        return { record in
            if let value { record.value = try value.build(for: record) }
        }
    }

    public func destination(environment: [String: String], logger: Logger) -> Result<any SinkDestination, SinkSettingProblem> {
        guard let path = path.resolve(in: environment) else { return .failure(.notSet("'path'", from: self.path)) }
        logger.info("file sink configured", metadata: ["sink": "\(delivery.name.value)", "path": "\(path)"])
        return .success(FileDestination(path: path))
    }

    /// Every record is a line of its own: none replaces another.
    public func configure(_ worker: inout SinkWorkerConfiguration) {
        worker.coalescesByKey = false
    }

    public var summary: String { "file \(path.text.value), \(delivery.batch?.size ?? 1) lines per write" }
}

extension FileSinkDefinition: SinkStep {
    static let fields = ["path", "value"]
    static let defaultBatch: SinkDeliveryOptions.Batch? = SinkDeliveryOptions.Batch(size: 500, lingerMilliseconds: 200)

    static func parse(_ fields: YAMLFields, delivery: SinkDeliveryOptions, _ step: StepParser.StepPosition, _ parser: inout StepParser) -> Self? {
        let path = fields.required("path", &parser.diagnostics).flatMap { parser.environmentSetting($0, "a file path or ${VARIABLE}", for: "path") }
        var isComplete = true
        let value = parser.optionalField(fields["value"], &isComplete) { $0.template(for: "value", roots: StepParser.recordRoots, &$1) }
        guard isComplete, let path else { return nil }
        return FileSinkDefinition(delivery: delivery, path: path, value: value)
    }
}
