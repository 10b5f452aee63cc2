/// A topic read in full by every instance into a store of its own, for lookups by any key from any
/// task: no co-partitioning needed (Kafka Streams' `GlobalKTable`). The topic is the store's changelog:
/// it is re-read from the beginning when the application starts, then followed.
public struct GlobalTable: Sendable {
    public var topic: String
    public var store: String
    public var keyFormat: RecordFormat
    public var valueFormat: RecordFormat

    public init(topic: String, store: String, keyFormat: RecordFormat, valueFormat: RecordFormat) {
        self.topic = topic
        self.store = store
        self.keyFormat = keyFormat
        self.valueFormat = valueFormat
    }

    /// Applies one record of the topic to `store`: the latest value per key, null deletes.
    func apply(key: [UInt8]?, value: [UInt8]?, to store: KeyValueStore) {
        guard let key, let decodedKey = try? keyFormat.decode(key) else { return }
        let storeKey = StoreKeyCodec.encode(decodedKey)
        guard let value, let decoded = try? valueFormat.decode(value), !decoded.isNull else {
            store.delete(storeKey)
            return
        }
        store.put(storeKey, JSONSerializer.serialize(decoded))
    }
}
