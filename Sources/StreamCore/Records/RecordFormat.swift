/// How a record's key or value bytes are read and written.
public enum RecordFormat: String, Sendable, Hashable, CaseIterable {
    /// UTF-8 text; expressions see a string.
    case string
    /// A JSON document; expressions see its value.
    case json
    /// Opaque bytes, passed through untouched; expressions see them as (lossily decoded) UTF-8 text.
    case bytes
}
