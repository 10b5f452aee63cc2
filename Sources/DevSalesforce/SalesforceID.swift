/// Salesforce-style record ids: 15 case-sensitive characters (a 3-character key prefix naming the
/// object, then the record's number) and the 3-character case-insensitive suffix Salesforce appends.
enum SalesforceID {
    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// The key prefix of `sObject`'s ids: the real one for common standard objects, `a0X` otherwise (real
    /// custom objects get an org-specific `a..` prefix).
    static func keyPrefix(of sObject: String) -> String {
        switch sObject.lowercased() {
        case "account": "001"
        case "contact": "003"
        case "user": "005"
        case "opportunity": "006"
        case "lead": "00Q"
        case "task": "00T"
        case "case": "500"
        case "organization": "00D"
        default: "a0X"
        }
    }

    /// The 18-character id of the `number`th record with `prefix`.
    static func make(prefix: String, number: Int) -> String {
        var digits: [Character] = []
        var rest = number
        for _ in 0..<6 {
            digits.append(base62[rest % 62])
            rest /= 62
        }
        let id = prefix + "5g0000" + String(digits.reversed())
        return id + suffix(of: id)
    }

    /// The checksum suffix: for each 5-character chunk, a bit per uppercase letter, as one of 32 characters.
    private static func suffix(of id: String) -> String {
        let characters = Array(id)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")
        return String((0..<3).map { chunk in
            var flags = 0
            for position in 0..<5 where characters[chunk * 5 + position].isUppercase && characters[chunk * 5 + position].isLetter {
                flags |= 1 << position
            }
            return alphabet[flags]
        })
    }
}
