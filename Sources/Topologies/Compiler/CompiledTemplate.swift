import StreamCore

/// A ``ValueTemplate`` ready to build a value per record.
indirect enum CompiledTemplate: Sendable {
    case expression(RecordEvaluator)
    case object([(key: String, value: CompiledTemplate)])
    case array([CompiledTemplate])

    init(_ template: ValueTemplate) {
        switch template {
        case .expression(let text): self = .expression(RecordEvaluator(text))
        case .object(let fields): self = .object(fields.map { ($0.key, CompiledTemplate($0.value)) })
        case .array(let elements): self = .array(elements.map(CompiledTemplate.init))
        }
    }

    func build(for record: StreamRecord, extra: [JSONValue] = []) throws -> JSONValue {
        switch self {
        case .expression(let evaluator):
            return try evaluator.evaluate(record, extra: extra)
        case .object(let fields):
            var object = JSONObject()
            object.reserveCapacity(fields.count)
            for field in fields { object[field.key] = try field.value.build(for: record, extra: extra) }
            return .object(object)
        case .array(let elements):
            return .array(try elements.map { try $0.build(for: record, extra: extra) })
        }
    }
}
