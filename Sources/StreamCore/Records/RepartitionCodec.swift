/// What a repartition topic carries besides the value:
///
/// - The key as its store-key text (``StoreKeyCodec``, so that a key is partitioned as Kafka's string
///   serializer would write it), with a header when the key is JSON of another type than string — so
///   that `1` comes back as `1`, not `"1"`, as Kafka Streams' key serde keeps it — and no bytes for a
///   null key, which the aggregations and joins after it then skip.
/// - A table change's old value (``StreamRecord/oldValue``) in a header, so that a grouped table's
///   aggregation can subtract it (Kafka Streams sends `Change` pairs through the topic).
enum RepartitionCodec {
    /// Present, with value `json`, when the key bytes are JSON text rather than a string.
    static let keyTypeHeader = "tributary.key-type"
    /// The old value of a table change, as JSON text.
    static let oldValueHeader = "tributary.old-value"

    /// The key bytes and the headers that go with a record's key and old value.
    static func encode(key: JSONValue, oldValue: JSONValue?) -> (key: [UInt8]?, headers: [KafkaHeader]) {
        var headers: [KafkaHeader] = []
        if !key.isNull, !key.isTextKey { headers.append(KafkaHeader(keyTypeHeader, "json")) }
        if let oldValue { headers.append(KafkaHeader(oldValueHeader, JSONSerializer.serialize(oldValue))) }
        return (key.isNull ? nil : StoreKeyCodec.encode(key), headers)
    }

    /// The key and old value a repartition record carries, and its headers without those of this codec.
    static func decode(key bytes: [UInt8]?, headers: [KafkaHeader]) -> (key: JSONValue, oldValue: JSONValue?, headers: [KafkaHeader]) {
        let isJSON = headers.contains { $0.name == keyTypeHeader }
        let oldValue = headers.lastValue(named: oldValueHeader).flatMap { try? JSONParser.parse($0) }
        let remaining = headers.filter { $0.name != keyTypeHeader && $0.name != oldValueHeader }
        guard let bytes else { return (.null, oldValue, remaining) }
        if isJSON, let key = try? JSONParser.parse(bytes) { return (key, oldValue, remaining) }
        return (StoreKeyCodec.decode(bytes), oldValue, remaining)
    }
}
