import StreamCore

extension TopologyCompiler.Context {
    /// `join: { table: NAME, foreign-key: EXPR }` on a table — each row joined with the row of `NAME`
    /// whose key its foreign key names (Kafka Streams' foreign-key join, KIP-213); the result is a table
    /// keyed like this one. The tables need not be co-partitioned: subscriptions travel to the other
    /// table's partitions and answers come back (see ``ForeignKeyJoin``).
    mutating func compileForeignKeyJoin(
        _ step: StepDefinition, table: Located<String>, kind: TableTableJoin.Kind, foreignKey: ExpressionText, condition: ExpressionText?,
        value: ValueTemplate, on stream: KStream
    ) -> KStream? {
        guard tables.contains(stream.node), let leftStore = tableStores[stream.node] else {
            diagnostics.append(TopologyDiagnostic(
                "'foreign-key' joins a table's rows: put it after a table source or 'to-table' (a stream joins a table by its own key)", at: foreignKey.location))
            return nil
        }
        guard let (other, rightStore) = materializedTable(table) else { return nil }
        guard let joinKind = ForeignKeyJoin.Kind(rawValue: kind.rawValue) else {
            diagnostics.append(TopologyDiagnostic("a foreign-key join is 'inner' or 'left'", at: step.location))
            return nil
        }
        if let condition {
            diagnostics.append(TopologyDiagnostic("'when' is not supported on foreign-key joins; filter the joined table instead", at: condition.location))
            return nil
        }
        let foreignKeyEvaluator = RecordEvaluator(foreignKey)
        let template = CompiledTemplate(value)
        let names = TopologyDefinition.foreignKeyJoinNames(step: step.name)
        let join = ForeignKeyJoin(
            leftStore: leftStore, rightStore: rightStore, subscriptionStore: names.store, kind: joinKind,
            foreignKey: { row in try foreignKeyEvaluator.evaluate(row) },
            joiner: { left, right in try template.build(for: left, extra: [right ?? .null]) })

        // Left rows subscribe at the right table's partitions, where subscriptions and right rows' changes
        // are answered; the answers come back to the left table's partitions.
        let subscriptions = stream.flatMap("\(step.name).subscribe") { change in try join.subscriptions(for: change) }
        let received = sendThroughRepartitionTopic(
            subscriptions, nodeName: "\(step.name).subscription", name: Located(names.subscription, at: step.location),
            partitions: streamInputs[other.node]?.partitions, input: other)
        let responseTopic = TopologyDefinition.repartitionTopic(application: definition.applicationID.value, name: names.response)
        other.foreignKeyRightUpdates("\(step.name).right-updates", join).toRepartitionTopic("\(step.name).right-updates.sink", topic: responseTopic)
        let answers = sendThroughRepartitionTopic(
            received.foreignKeySubscriptions("\(step.name).subscriptions", join), nodeName: "\(step.name).response",
            name: Located(names.response, at: step.location), partitions: streamInputs[stream.node]?.partitions, input: stream)
        let joined = answers.foreignKeyResponses(step.name, join)
        tables.insert(joined.node)
        return joined
    }
}
