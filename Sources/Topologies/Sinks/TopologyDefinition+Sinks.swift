extension TopologyDefinition {
    /// Every step of every pipeline, branches' steps included, in file order.
    public var allSteps: [StepDefinition] {
        func flatten(_ steps: [StepDefinition]) -> [StepDefinition] {
            steps.flatMap { [$0] + flatten($0.kind.childSteps) }
        }
        return flatten(pipelines.flatMap(\.steps))
    }

    /// The sink steps, of every kind, in file order.
    public var sinks: [any SinkDefinition] {
        allSteps.compactMap { step in
            if case .sink(let sink) = step.kind { return sink }
            return nil
        }
    }

    /// The sink steps of one kind, in file order.
    public func sinks<Kind: SinkDefinition>(of kind: Kind.Type) -> [Kind] {
        sinks.compactMap { $0 as? Kind }
    }
}
