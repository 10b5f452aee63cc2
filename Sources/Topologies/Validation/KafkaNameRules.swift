/// What Kafka accepts as a topic name, and so as an application id (which prefixes internal topics).
enum KafkaNameRules {
    /// Kafka's limit on topic name length.
    static let maximumTopicNameLength = 249

    /// Whether every character is an ASCII letter or digit, `.`, `_` or `-`.
    static func hasOnlyLegalCharacters(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
            default: false
            }
        }
    }

    /// Whether `name` can name a directory inside another: legal characters, and neither `.` nor `..`,
    /// which would name the directory itself or its parent (an application id, a store, a repartition
    /// topic's name all become paths under the state directory).
    static func isPathSafe(_ name: String) -> Bool {
        hasOnlyLegalCharacters(name) && name != "." && name != ".." && !name.isEmpty
    }

    /// Why Kafka would refuse `name` as a topic name, or `nil` if it would not.
    static func problem(withTopicName name: String) -> String? {
        if !hasOnlyLegalCharacters(name) {
            return "topic name '\(name)' may only contain letters, digits, '.', '_' and '-'"
        }
        if name == "." || name == ".." {
            return "topic name '\(name)' is reserved; expected a name other than '.' and '..'"
        }
        if name.count > maximumTopicNameLength {
            return "topic name '\(name)' is \(name.count) characters long; expected at most \(maximumTopicNameLength)"
        }
        return nil
    }
}
