/// How record keys become store keys and repartition-topic keys: a string key is its UTF-8 bytes (what
/// Kafka's string serde writes, so other clients partition it alike); any other key is its JSON text.
/// Grouping therefore treats keys as text: the number `42` and the string `"42"` are one group.
public enum StoreKeyCodec {
    public static func encode(_ key: JSONValue) -> [UInt8] {
        if case .string(let text) = key { return Array(text.utf8) }
        return JSONSerializer.serialize(key)
    }

    /// A key as text: a string as it is, anything else as its JSON text (what ``encode(_:)`` stores).
    public static func text(of key: JSONValue) -> String {
        String(decoding: encode(key), as: UTF8.self)
    }

    /// Keys read back from a store are text.
    public static func decode(_ bytes: [UInt8]) -> JSONValue {
        .string(String(decoding: bytes, as: UTF8.self))
    }
}
