import StreamCore

extension TopologyCompiler.Context {
    /// `branch` — each record takes the first arm whose `when` holds, else `default`, else is dropped.
    /// Ends the chain: each arm continues with its own steps.
    mutating func compileBranch(_ step: StepDefinition, _ branches: [BranchDefinition], defaultBranch: [StepDefinition]?, on stream: KStream) -> KStream? {
        let arms = branches.map { branch in
            let evaluator = RecordEvaluator(branch.condition)
            return (name: branch.name.value, predicate: { @Sendable (record: StreamRecord) throws -> Bool in try evaluator.isSatisfied(record) })
        }
        let streams = stream.branch(step.name, arms, withDefault: defaultBranch != nil)
        for (branch, armStream) in zip(branches, streams) {
            _ = compile(branch.steps, on: armStream)
        }
        if let defaultBranch, let defaultStream = streams.last {
            _ = compile(defaultBranch, on: defaultStream)
        }
        return nil
    }
}
