import StreamCore

/// The steps that deliver records outside Kafka: the settings every sink shares, then the kind's own.
extension StepParser {
    /// `KEYWORD: { name, batch, retry, optional, ...the kind's own fields }`
    mutating func sink(_ kind: any SinkStep.Type, _ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        let allowed = (SinkDeliveryOptions.fields + kind.fields).sorted()
        guard let fields = YAMLFields(value, of: "'\(kind.keyword)'", at: step.keywordLocation, allowed: allowed, &diagnostics) else { return nil }
        var isComplete = true
        let isOptional = optionalField(fields["optional"], &isComplete) { $0.boolean(for: "'optional'", &$1) }
        // These readers report through `self`, so they are called directly rather than through `optionalField`.
        let name = fields["name"].map { internalName($0, for: "name") }
        let batch = fields["batch"].map { batchOptions($0, limit: kind.batchLimit) }
        let retry = fields["retry"].map { retryOptions($0) }
        if [isUnreadable(name), isUnreadable(batch), isUnreadable(retry)].contains(true) { isComplete = false }
        let writtenBatch = batch.flatMap { $0 }.map { written in
            SinkDeliveryOptions.Batch(size: written.size ?? kind.defaultBatch?.size ?? 100, lingerMilliseconds: written.linger ?? kind.defaultBatch?.lingerMilliseconds ?? 1000)
        }
        let delivery = SinkDeliveryOptions(
            name: name.flatMap { $0 } ?? Located("\(kind.keyword)-\(step.list.pipeline)", at: step.keywordLocation), batch: writtenBatch ?? kind.defaultBatch,
            retryInitialMilliseconds: retry??.initial ?? 500, retryMaxMilliseconds: retry??.max ?? 30_000, isOptional: isOptional ?? false,
            location: step.keywordLocation)
        // The kind's fields are read even when a shared one is wrong, so that every problem is reported.
        let definition = kind.parse(fields, delivery: delivery, step, &self)
        guard isComplete, let definition else { return nil }
        return .sink(definition)
    }

    /// A setting that may use `${VAR}`, read when the topology starts.
    mutating func environmentSetting(_ node: YAMLNode, _ noun: String, for field: String) -> EnvironmentSetting? {
        node.string(noun, for: "'\(field)'", &diagnostics).map(EnvironmentSetting.init)
    }

    /// `batch: { size: N, linger: D }`; `limit` is the destination's limit per call, if it has one.
    private mutating func batchOptions(_ node: YAMLNode, limit: (size: Int, reason: String)?) -> (size: Int?, linger: Int64?)? {
        guard let fields = YAMLFields(node, of: "'batch'", at: node.location, allowed: ["linger", "size"], &diagnostics) else { return nil }
        var isComplete = true
        let size = optionalField(fields["size"], &isComplete) { node, diagnostics -> Int? in
            guard let size = node.positiveInteger(for: "'size'", &diagnostics) else { return nil }
            if let limit, size > limit.size {
                diagnostics.report("'size' may be at most \(limit.size): \(limit.reason)", at: node.location)
                return nil
            }
            return size
        }
        let linger = optionalField(fields["linger"], &isComplete) { $0.duration(for: "'linger'", allowsZero: true, &$1) }
        return isComplete ? (size, linger) : nil
    }

    private mutating func retryOptions(_ node: YAMLNode) -> (initial: Int64?, max: Int64?)? {
        guard let fields = YAMLFields(node, of: "'retry'", at: node.location, allowed: ["initial", "max"], &diagnostics) else { return nil }
        var isComplete = true
        let initial = optionalField(fields["initial"], &isComplete) { $0.duration(for: "'initial'", &$1) }
        let max = optionalField(fields["max"], &isComplete) { $0.duration(for: "'max'", &$1) }
        return isComplete ? (initial, max) : nil
    }
}

/// Whether an optional field was written (`.some`) but could not be read (`.some(nil)`).
func isUnreadable<Value>(_ field: Value??) -> Bool {
    if case .some(.none) = field { return true }
    return false
}
