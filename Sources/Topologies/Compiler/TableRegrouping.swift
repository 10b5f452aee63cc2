import StreamCore

/// How `group-by` on a table turns a change of a row into changes of its groups (Kafka Streams'
/// `KTableRepartitionMap`): the old row leaves the group its old value maps to, the new row joins the
/// group its new value maps to — one record when both map to the same group, else the leaving one first
/// — and a row whose group key or value maps to null belongs to no group.
struct TableRegrouping: Sendable {
    let key: RecordEvaluator
    /// The value a row contributes to its group; `nil` contributes the row's value.
    let value: RecordEvaluator?

    /// The group changes of one table change: a record keyed by the group, whose value is what the row
    /// now contributes (null: nothing) and whose old value is what it contributed before.
    func changes(of change: StreamRecord) throws -> [StreamRecord] {
        let joining = try contribution(of: change.value, in: change)
        let leaving = try contribution(of: change.oldValue, in: change)
        func groupChange(_ group: JSONValue, value: JSONValue, oldValue: JSONValue?) -> StreamRecord {
            var record = change
            record.key = group
            record.value = value
            record.oldValue = oldValue
            return record
        }
        if let joining, let leaving, StoreKeyCodec.encode(joining.group) == StoreKeyCodec.encode(leaving.group) {
            return [groupChange(joining.group, value: joining.value, oldValue: leaving.value)]
        }
        return [leaving.map { groupChange($0.group, value: .null, oldValue: $0.value) }, joining.map { groupChange($0.group, value: $0.value, oldValue: nil) }]
            .compactMap { $0 }
    }

    private func contribution(of row: JSONValue?, in change: StreamRecord) throws -> (group: JSONValue, value: JSONValue)? {
        guard let row, !row.isNull else { return nil }
        let record = change.withValue(row)
        let group = try key.evaluate(record)
        let value = try value?.evaluate(record) ?? row
        return group.isNull || value.isNull ? nil : (group, value)
    }
}
