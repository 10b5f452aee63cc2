/// A table joined with another table on a foreign key its rows carry (Kafka Streams'
/// `KTable#join(KTable, foreignKeyExtractor, joiner)`, KIP-213): the result is a table keyed like the
/// left one, holding each left row joined with the right row its foreign key names.
///
/// The two tables are partitioned by different keys, so the join talks through two internal topics,
/// as Kafka Streams' does:
///
/// 1. Each left change sends *subscriptions* to the partitions of the foreign keys it leaves and
///    joins (``subscriptions(for:)``), through the subscription topic, partitioned like the right table.
/// 2. There a subscription is kept in the subscription store (foreign key ‖ left key → the left row's
///    hash) and answered with the right row (``Operation/foreignKeySubscription``); a change of a right
///    row answers every left row subscribed to it (``Operation/foreignKeyRightUpdate``).
/// 3. Answers go back through the response topic, partitioned like the left table, where each is joined
///    with the left row as it is now — and dropped when the row changed since it subscribed (its hash
///    differs), since a newer answer is on its way (``Operation/foreignKeyResponse``).
public struct ForeignKeyJoin: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A row whose foreign key finds no right row has no joined value (a deletion).
        case inner
        /// Such a row is joined with null.
        case left
    }

    /// The foreign key of a left row; null refers to no row.
    public typealias ForeignKey = @Sendable (StreamRecord) throws -> JSONValue
    /// The joined value of a left row (`value`) and its right row (`nil`: none, in a left join).
    public typealias Joiner = @Sendable (_ left: StreamRecord, _ right: JSONValue?) throws -> JSONValue

    /// The left table's store, where answers find the row as it is now.
    public var leftStore: String
    /// The right table's store, where subscriptions find the row they refer to.
    public var rightStore: String
    /// Subscriptions by foreign key, kept in the right table's tasks.
    public var subscriptionStore: String
    public var kind: Kind
    public var foreignKey: ForeignKey
    public var joiner: Joiner

    public init(leftStore: String, rightStore: String, subscriptionStore: String, kind: Kind, foreignKey: @escaping ForeignKey, joiner: @escaping Joiner) {
        self.leftStore = leftStore
        self.rightStore = rightStore
        self.subscriptionStore = subscriptionStore
        self.kind = kind
        self.foreignKey = foreignKey
        self.joiner = joiner
    }

    /// What a subscription asks of the right side.
    enum Instruction: String {
        /// Keep the subscription and answer with the right row; `propagatesAbsence` says whether "no row"
        /// is an answer too (a left join, or a row that may have been joined before).
        case subscribe
        /// Forget the subscription (the row now refers to another key, which answers).
        case unsubscribe
        /// Forget it and answer "no row": the left row is gone, or now refers to no key.
        case unsubscribeAndAnswer = "unsubscribe-and-answer"
        /// Answer "no row" without keeping anything: the row refers to no key.
        case answerWithoutRow = "answer-without-row"
    }

    /// The subscriptions a change of a left row sends, each keyed by the foreign key whose partition
    /// must see it (or, for a row referring to no key, by the row's own key).
    public func subscriptions(for change: StreamRecord) throws -> [StreamRecord] {
        func foreignKey(of row: JSONValue?) throws -> JSONValue? {
            guard let row, !row.isNull else { return nil }
            return try self.foreignKey(change.withValue(row)).nonNull
        }
        let newKey = try foreignKey(of: change.value)
        let oldKey = try foreignKey(of: change.oldValue)
        let hash = change.value.isNull ? nil : Self.hash(of: change.value)
        func subscription(to key: JSONValue, _ instruction: Instruction, propagatesAbsence: Bool = true) -> StreamRecord {
            var record = change
            record.key = key
            record.oldValue = nil
            record.value = .object([
                "key": change.key, "hash": hash.map(JSONValue.string) ?? .null, "instruction": .string(instruction.rawValue),
                "propagates-absence": .bool(propagatesAbsence),
            ])
            return record
        }
        // Kafka Streams' SubscriptionSendProcessor, instruction for instruction.
        func differs(_ new: JSONValue?, from old: JSONValue) -> Bool { new.map(StoreKeyCodec.encode) != StoreKeyCodec.encode(old) }
        var subscriptions: [StreamRecord] = []
        switch kind {
        case .left:
            // Leaving a key, the row hears "no row" from it first (joined with null, or deleted).
            if let oldKey, differs(newKey, from: oldKey) { subscriptions.append(subscription(to: oldKey, .unsubscribeAndAnswer)) }
            if change.oldValue != nil || !change.value.isNull {
                // A row referring to no key is answered "no row" at once: joined with null, or deleted.
                subscriptions.append(newKey.map { subscription(to: $0, .subscribe) } ?? subscription(to: change.key, .answerWithoutRow))
            }
        case .inner:
            if change.oldValue != nil {
                // An inner join skips a change from or to no foreign key: such a row never joined.
                guard let oldKey else { break }
                if change.value.isNull {
                    subscriptions.append(subscription(to: oldKey, .unsubscribeAndAnswer))
                } else if let newKey {
                    if differs(newKey, from: oldKey) { subscriptions.append(subscription(to: oldKey, .unsubscribe)) }
                    // "No row" must reach it too: it may have been joined before.
                    subscriptions.append(subscription(to: newKey, .subscribe))
                }
            } else if let newKey {
                subscriptions.append(subscription(to: newKey, .subscribe, propagatesAbsence: false))
            }
        }
        return subscriptions
    }

    /// A stable hash of a left row, by which an answer recognises the row it was asked for.
    static func hash(of value: JSONValue) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in JSONSerializer.serialize(value) {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// The subscription store's key: the foreign key's length and bytes, then the left key (with its
    /// type), so that one foreign key's subscribers are a prefix.
    static func subscriptionKey(foreignKey: [UInt8], leftKey: JSONValue) -> [UInt8] {
        subscriptionPrefix(foreignKey: foreignKey) + JSONSerializer.serialize(leftKey)
    }

    static func subscriptionPrefix(foreignKey: [UInt8]) -> [UInt8] {
        let length = UInt32(foreignKey.count)
        return (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) } + foreignKey
    }
}
