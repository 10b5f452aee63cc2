import StreamCore

extension TopologyCompiler.Context {
    /// A pipeline's `every` — the entries of a key-value store on a schedule, in the task of the step
    /// that writes the store.
    mutating func compilePunctuation(_ pipeline: PipelineDefinition, _ every: PunctuationDefinition) -> KStream? {
        let store = every.store.value
        switch builder.writer(ofStore: store) {
        case .aggregate(let aggregation) where aggregation.windows == nil:
            break
        case .toTable, .deduplicate:
            break
        case nil:
            let stores = builder.storeNames
            diagnostics.append(TopologyDiagnostic(
                "no step of this topology keeps a store '\(store)'" + (stores.isEmpty ? "" : "; stores: \(stores.joined(separator: ", "))"), at: every.store.location))
            return nil
        default:
            diagnostics.append(TopologyDiagnostic(
                "'every' emits the entries of a key-value store (an aggregation over all time, a table); '\(store)' holds windows, timers or a join's records",
                at: every.store.location))
            return nil
        }
        return builder.punctuation(pipeline.name.value, Punctuation(store: store, interval: every.interval.value, clock: every.clock))
    }
}
