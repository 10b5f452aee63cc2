/// Where a `classify` step's classifier comes from. Paths are relative to the topology file.
public enum ClassifierSource: Sendable {
    /// `model: PATH` — a model written by `runner classifier train`.
    case model(Located<String>)
    /// `training: { data: [PATH, ...], text: [FIELD, ...], label: FIELD }` — labelled JSON Lines,
    /// trained (softmax regression, default features, seeded: the same data gives the same model)
    /// when the topology is compiled, so no model file has to be kept in step with its data.
    case training(data: [Located<String>], textFields: [String], labelField: String)
}
