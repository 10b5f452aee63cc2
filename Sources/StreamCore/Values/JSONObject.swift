/// The members of a JSON object, in insertion order.
///
/// Order is kept because people read the JSON we write (topic values, dead
/// letters, query responses) and expect fields where they put them. Lookups scan
/// the keys while the object is small — most record values have a handful of
/// fields, and comparing a few short strings beats hashing — and switch to a
/// hash index once the object grows past ``indexThreshold`` members.
///
/// Equality and hashing ignore member order.
public struct JSONObject: Sendable {
    /// Above this many members, lookups go through a dictionary index.
    public static let indexThreshold = 8

    /// One member. Keys and values live in one array so that copying an object
    /// (which every field access does) retains one buffer, not two.
    private struct Member: Sendable {
        var key: String
        var value: JSONValue
    }

    private var members: [Member]
    /// Position of each key in `members`; nil while the object is small.
    private var index: [String: Int]?

    /// An empty object.
    public init() {
        members = []
        index = nil
    }

    /// The member names, in order (a new array on each call).
    public var keys: [String] { members.map(\.key) }

    /// The member values, in the same order as ``keys`` (a new array on each call).
    public var values: [JSONValue] { members.map(\.value) }

    /// An object holding `members` in order; a repeated key keeps the position of
    /// its first occurrence and the value of its last, matching how the parser
    /// treats duplicate keys.
    public init(_ members: some Sequence<(String, JSONValue)>) {
        self.init()
        for (key, value) in members {
            self[key] = value
        }
    }

    /// Reserves storage for `minimumCapacity` members.
    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        members.reserveCapacity(minimumCapacity)
    }

    /// The position of `key` in ``keys``, if present.
    public func position(of key: String) -> Int? {
        if let index {
            return index[key]
        }
        return members.firstIndex { $0.key == key }
    }

    /// The value of the member named `key`.
    ///
    /// Setting a value for an existing key replaces it in place (the key keeps its
    /// position); setting a new key appends it; setting `nil` removes the member.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = position(of: key) else { return nil }
            return members[position].value
        }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Sets the member named `key`, keeping its position if it already exists.
    ///
    /// - Returns: the value it replaced, if any.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        if let position = position(of: key) {
            let old = members[position].value
            members[position].value = value
            return old
        }
        members.append(Member(key: key, value: value))
        if index != nil {
            index![key] = members.count - 1
        } else if members.count > Self.indexThreshold {
            rebuildIndex()
        }
        return nil
    }

    /// Removes the member named `key`, shifting later members up by one.
    ///
    /// - Returns: the removed value, if the key was present.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = position(of: key) else { return nil }
        let old = members.remove(at: position).value
        if members.count > Self.indexThreshold {
            rebuildIndex()
        } else {
            index = nil
        }
        return old
    }

    private mutating func rebuildIndex() {
        var index = [String: Int](minimumCapacity: members.count)
        for (position, member) in members.enumerated() {
            index[member.key] = position
        }
        self.index = index
    }
}

extension JSONObject: RandomAccessCollection {
    /// A member: its name and value.
    public typealias Element = (key: String, value: JSONValue)

    /// The position of the first member.
    public var startIndex: Int { 0 }
    /// One past the position of the last member.
    public var endIndex: Int { members.count }

    /// The member at `position` (in insertion order).
    public subscript(position: Int) -> Element {
        let member = members[position]
        return (member.key, member.value)
    }
}

extension JSONObject: Hashable {
    /// Whether both objects have the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for member in lhs.members {
            guard let other = rhs[member.key], other == member.value else { return false }
        }
        return true
    }

    /// Hashes the members independently of their order, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        // Summing per-member hashes makes the result order-independent; each member
        // hash is itself a full `Hasher` run, so the sum is still well mixed.
        var combined = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            combined &+= memberHasher.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(combined)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// An object with the literal's members in the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
