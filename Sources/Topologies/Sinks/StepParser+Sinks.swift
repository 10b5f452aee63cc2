import StreamCore

/// The steps that deliver records outside Kafka.
extension StepParser {
    /// `salesforce: { name, sobject, operation, external-id, api-version, fields, batch, retry, limits, connection }`
    mutating func salesforce(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        let allowed = ["api-version", "batch", "connection", "external-id", "fields", "limits", "name", "operation", "optional", "retry", "sobject"]
        guard let fields = YAMLFields(value, of: "'salesforce'", at: step.keywordLocation, allowed: allowed, &diagnostics) else { return nil }
        let sObject = fields.required("sobject", &diagnostics)?.string("an sObject name", for: "'sobject'", &diagnostics)
        let template = fields.required("fields", &diagnostics)?.template(for: "fields", roots: Self.recordRoots, &diagnostics)
        var isComplete = true
        let apiVersion = optionalField(fields["api-version"], &isComplete) { $0.string("an API version such as 62.0", for: "'api-version'", &$1) }
        let isOptional = optionalField(fields["optional"], &isComplete) { $0.boolean(for: "'optional'", &$1) }
        let operation = salesforceOperation(fields, step, &isComplete)
        // These readers report through `self`, so they are called directly rather than through `optionalField`.
        let name = fields["name"].map { internalName($0, for: "name") }
        let batch = fields["batch"].map { batchOptions($0, maximum: 200) }
        let retry = fields["retry"].map { retryOptions($0) }
        let limits = fields["limits"].map { limitOptions($0) }
        let connection = fields["connection"].map { connectionSettings($0) }
        if [isUnreadable(name), isUnreadable(batch), isUnreadable(retry), isUnreadable(limits), isUnreadable(connection)].contains(true) { isComplete = false }
        guard isComplete, let sObject, let template, let operation else { return nil }
        let defaultName = "salesforce-" + sObject.value.lowercased().replacingOccurrences(of: "__", with: "-").replacingOccurrences(of: "_", with: "-")
        return .salesforce(SalesforceSinkDefinition(
            name: name.flatMap { $0 } ?? Located(defaultName, at: sObject.location), sObject: sObject, operation: operation, apiVersion: apiVersion?.value ?? "62.0",
            fields: template,
            connection: connection.flatMap { $0 } ?? SalesforceSinkDefinition.defaultConnection.mapValues { EnvironmentSetting(Located($0, at: step.keywordLocation)) },
            batchSize: batch??.size ?? 200, lingerMilliseconds: batch??.linger ?? 1000,
            retryInitialMilliseconds: retry??.initial ?? 500, retryMaxMilliseconds: retry??.max ?? 30_000,
            slowDownAt: limits??.slowDownAt ?? 0.9, slowPaceMilliseconds: limits??.slowPace ?? 10_000, probeEveryMilliseconds: limits??.probeEvery ?? 300_000,
            isOptional: isOptional ?? false, location: step.keywordLocation))
    }

    /// `http: { name, url, method, headers, body, batch, parallel, retry, optional }`
    mutating func http(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        let allowed = ["batch", "body", "headers", "method", "name", "optional", "parallel", "retry", "url"]
        guard let fields = YAMLFields(value, of: "'http'", at: step.keywordLocation, allowed: allowed, &diagnostics) else { return nil }
        let url = fields.required("url", &diagnostics)?.string("a URL or ${VARIABLE}", for: "'url'", &diagnostics)
        var isComplete = true
        let body = optionalField(fields["body"], &isComplete) { $0.template(for: "body", roots: Self.recordRoots, &$1) }
        let parallel = optionalField(fields["parallel"], &isComplete) { $0.positiveInteger(for: "'parallel'", &$1) }
        let isOptional = optionalField(fields["optional"], &isComplete) { $0.boolean(for: "'optional'", &$1) }
        let method = optionalField(fields["method"], &isComplete) { node, diagnostics -> HTTPSinkDefinition.Method? in
            guard let text = node.string("a method", for: "'method'", &diagnostics) else { return nil }
            guard let method = HTTPSinkDefinition.Method(rawValue: text.value.uppercased()) else {
                diagnostics.report("unknown method '\(text.value)'; expected POST or PUT", at: text.location)
                return nil
            }
            return method
        }
        let name = fields["name"].map { internalName($0, for: "name") }
        let batch = fields["batch"].map { batchOptions($0, maximum: nil) }
        let retry = fields["retry"].map { retryOptions($0) }
        let headers = fields["headers"].map { headerSettings($0) }
        if [isUnreadable(name), isUnreadable(batch), isUnreadable(retry), isUnreadable(headers)].contains(true) { isComplete = false }
        guard isComplete, let url else { return nil }
        let batchSize = batch.flatMap { $0 }.flatMap { $0.size ?? 100 }
        if batchSize != nil, let recordHeader = headers??.record.keys.sorted().first {
            diagnostics.report("header '\(recordHeader)' is computed per record, but a batch sends many records in one request; use ${VARIABLE} values or no batch", at: fields.key("headers")!.location)
            return nil
        }
        return .http(HTTPSinkDefinition(
            name: name.flatMap { $0 } ?? Located("http-\(step.list.pipeline)", at: step.keywordLocation), url: EnvironmentSetting(url), method: method ?? .post,
            body: body, fixedHeaders: headers??.fixed ?? [:], recordHeaders: headers??.record ?? [:], batchSize: batchSize,
            lingerMilliseconds: batch??.linger ?? 1000, parallel: parallel ?? 8,
            retryInitialMilliseconds: retry??.initial ?? 500, retryMaxMilliseconds: retry??.max ?? 30_000,
            isOptional: isOptional ?? false, location: step.keywordLocation))
    }

    /// Header values with `${VAR}` are read from the environment; others are expressions over the record.
    private mutating func headerSettings(_ node: YAMLNode) -> (fixed: [String: EnvironmentSetting], record: [String: ExpressionText])? {
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
            } else if let expression = entry.value.expression(for: "header '\(name.value)'", roots: Self.recordRoots, &diagnostics) {
                record[name.value] = expression
            } else {
                isComplete = false
            }
        }
        return isComplete ? (fixed, record) : nil
    }

    private mutating func salesforceOperation(_ fields: YAMLFields, _ step: StepPosition, _ isComplete: inout Bool) -> SalesforceSinkDefinition.Operation? {
        let operation = optionalField(fields["operation"], &isComplete) { $0.string("an operation", for: "'operation'", &$1) }
        let externalID = optionalField(fields["external-id"], &isComplete) { $0.string("a field name", for: "'external-id'", &$1) }
        switch operation?.value ?? "upsert" {
        case "upsert":
            guard let externalID else {
                diagnostics.report("missing required field 'external-id' in 'salesforce': an upsert matches records by an external id field (e.g. Customer_Id__c)", at: step.keywordLocation)
                return nil
            }
            return .upsert(externalIDField: externalID.value)
        case let kind where externalID != nil:
            diagnostics.report("'external-id' only applies to 'operation: upsert', not '\(kind)'", at: fields.key("external-id")!.location)
            return nil
        case "insert": return .insert
        case "update": return .update
        default:
            diagnostics.report("unknown operation '\(operation!.value)'; expected one of: insert, update, upsert", at: operation!.location)
            return nil
        }
    }

    /// `batch: { size: N, linger: D }`; `maximum` is the destination's limit per call, if it has one.
    private mutating func batchOptions(_ node: YAMLNode, maximum: Int?) -> (size: Int?, linger: Int64?)? {
        guard let fields = YAMLFields(node, of: "'batch'", at: node.location, allowed: ["linger", "size"], &diagnostics) else { return nil }
        var isComplete = true
        let size = optionalField(fields["size"], &isComplete) { node, diagnostics -> Int? in
            guard let size = node.positiveInteger(for: "'size'", &diagnostics) else { return nil }
            guard size <= maximum ?? .max else {
                diagnostics.report("'size' may be at most 200: Salesforce takes at most 200 records per collections call", at: node.location)
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

    private mutating func limitOptions(_ node: YAMLNode) -> (slowDownAt: Double?, slowPace: Int64?, probeEvery: Int64?)? {
        guard let fields = YAMLFields(node, of: "'limits'", at: node.location, allowed: ["probe-every", "slow-down-at", "slow-pace"], &diagnostics) else { return nil }
        var isComplete = true
        let slowDownAt = optionalField(fields["slow-down-at"], &isComplete) { node, diagnostics -> Double? in
            let text = node.text ?? ""
            let fraction = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
            guard let fraction, fraction > 0, fraction <= 1 else {
                diagnostics.report("expected a share of the daily limit for 'slow-down-at', such as 0.9 or 90%, got '\(text)'", at: node.location)
                return nil
            }
            return fraction
        }
        let slowPace = optionalField(fields["slow-pace"], &isComplete) { $0.duration(for: "'slow-pace'", &$1) }
        let probeEvery = optionalField(fields["probe-every"], &isComplete) { $0.duration(for: "'probe-every'", &$1) }
        return isComplete ? (slowDownAt, slowPace, probeEvery) : nil
    }

    private mutating func connectionSettings(_ node: YAMLNode) -> [String: EnvironmentSetting]? {
        guard let fields = YAMLFields(node, of: "'connection'", at: node.location, allowed: SalesforceSinkDefinition.connectionSettings, &diagnostics) else { return nil }
        var settings: [String: EnvironmentSetting] = [:]
        var isComplete = true
        for name in SalesforceSinkDefinition.connectionSettings {
            if let text = optionalField(fields[name], &isComplete, { $0.string("a value or ${VARIABLE}", for: "'\(name)'", &$1) }) {
                settings[name] = EnvironmentSetting(text)
            }
        }
        return isComplete ? settings : nil
    }
}

/// Whether an optional field was written (`.some`) but could not be read (`.some(nil)`).
private func isUnreadable<Value>(_ field: Value??) -> Bool {
    if case .some(.none) = field { return true }
    return false
}
