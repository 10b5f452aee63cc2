import StreamCore

extension JSONObject {
    /// The members whose values are numbers, largest first, ties by name: what "top N" means for the
    /// `top_keys` function and for a dashboard's ranked lists.
    func rankedByNumber() -> [(name: String, value: JSONValue)] {
        compactMap { member in member.value.doubleValue.map { (name: member.key, value: member.value, number: $0) } }
            .sorted { $0.number != $1.number ? $0.number > $1.number : $0.name < $1.name }
            .map { ($0.name, $0.value) }
    }
}
