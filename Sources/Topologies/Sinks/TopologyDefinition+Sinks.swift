extension TopologyDefinition {
    /// Every step of every pipeline, branches' steps included, in file order.
    public var allSteps: [StepDefinition] {
        func flatten(_ steps: [StepDefinition]) -> [StepDefinition] {
            steps.flatMap { [$0] + flatten($0.kind.childSteps) }
        }
        return flatten(pipelines.flatMap(\.steps))
    }

    /// The `salesforce` steps, in file order.
    public var salesforceSinks: [SalesforceSinkDefinition] {
        allSteps.compactMap { step in
            if case .salesforce(let sink) = step.kind { return sink }
            return nil
        }
    }

    /// The `http` steps, in file order.
    public var httpSinks: [HTTPSinkDefinition] {
        allSteps.compactMap { step in
            if case .http(let sink) = step.kind { return sink }
            return nil
        }
    }
}
