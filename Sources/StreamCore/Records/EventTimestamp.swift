/// Turns event-time values into epoch milliseconds.
public enum EventTimestamp {
    /// Milliseconds since the epoch for an ISO-8601 UTC or offset timestamp
    /// (`2026-11-27T14:00:00.000Z`, `2026-11-27T14:00:00+01:00`, fractions of any length), or for a number
    /// of epoch milliseconds; `nil` when `value` is neither, or a number beyond what milliseconds hold.
    public static func milliseconds(from value: JSONValue) -> Int64? {
        let milliseconds: Int64?
        switch value {
        case .int(let number): milliseconds = number
        // Out of Int64's range (1e30, infinity) converting would trap.
        case .double(let number): milliseconds = Int64(exactly: number.rounded(.towardZero))
        case .string(let text): milliseconds = parseISO8601(text)
        default: milliseconds = nil
        }
        return milliseconds.flatMap { validRange.contains($0) ? $0 : nil }
    }

    /// The times a record may have: years 1 to 9999, what ISO-8601 writes with four digits. Windows,
    /// joins and timers add durations (at most 100 years) to a time, which therefore never overflows.
    public static let validRange: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`; a space may replace the `T`. Offsets
    /// go to ±18:00, as ISO-8601 zones (and Java's `ZoneOffset`) do.
    public static func parseISO8601(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var result = 0
            for _ in 0..<digits {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                result = result * 10 + Int(byte - 48)
                index += 1
            }
            return result
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var millisecond = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                millisecond += Int(bytes[index] - 48) * scale
                scale /= 10
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
        }
        var offsetMinutes = 0
        if expect("Zz") {
            // UTC
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), hours <= 18 else { return nil }
            _ = expect(":")
            guard let minutes = number(2), minutes < 60 else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millisecond)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `YYYY-MM-DDTHH:mm:ss.SSSZ` (UTC) for epoch milliseconds: how Tributary writes times.
    public static func formatISO8601(_ milliseconds: Int64) -> String {
        // Floor division: a time before the epoch is the day before's, not a negative time of day.
        let (seconds, millisecond) = floorDivision(milliseconds, 1000)
        let (days64, secondOfDay64) = floorDivision(seconds, 86_400)
        let (days, secondOfDay) = (Int(days64), Int(secondOfDay64))
        // Civil date from days since the epoch (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(Int(millisecond), 3))Z"
    }

    /// The quotient rounded towards minus infinity, and the remainder that goes with it (never negative).
    private static func floorDivision(_ dividend: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = (dividend % divisor + divisor) % divisor
        return ((dividend - remainder) / divisor, remainder)
    }
}
