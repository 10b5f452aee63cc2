import StreamCore

/// Faults scripted by a test or developer (`POST /dev/faults`, `--faults FILE`), consumed as calls and
/// records arrive. The script's JSON:
///
/// ```json
/// {"faults":[{"kind":"invalid-session","count":1},{"kind":"unavailable","seconds":30},
///            {"kind":"slow","milliseconds":1500,"count":3},
///            {"kind":"record-error","statusCode":"DUPLICATE_VALUE","fraction":0.01}]}
/// ```
///
/// Call faults (`invalid-session`, `unavailable`, `request-limit`, `concurrent-limit`, `slow`) apply to
/// authenticated `/services/data` calls; `count` defaults to 1. A call fails with the first still-active
/// failing fault in script order, which uses up one of its `count`; `unavailable` instead lasts `seconds`
/// from when the script was set. A call no fault fails is delayed by the first still-active `slow` fault.
///
/// `record-error` faults fail records that are otherwise valid, with their `statusCode`: those whose
/// external id (an updated record's `Id`) is in `externalIds`, or whose FNV-1a hash mod 10000 is below
/// `fraction` × 10000 (so the same ids always fail), or any record when neither is given; `count`,
/// when given, limits how many records fail (so a retry then succeeds).
struct FaultScript: Sendable {
    /// How a call is failed.
    enum CallFailure: String, Sendable {
        case invalidSession = "invalid-session"
        case unavailable
        case requestLimit = "request-limit"
        case concurrentLimit = "concurrent-limit"
    }

    /// What the script decides for one call.
    enum CallDecision: Equatable, Sendable {
        case fail(CallFailure)
        case proceed(delay: Duration)
    }

    private struct FailingFault {
        var failure: CallFailure
        /// Calls left to fail; `nil` for `unavailable`, which is bounded by `until`.
        var remaining: Int?
        var until: ContinuousClock.Instant?
    }

    private struct SlowFault {
        var delay: Duration
        var remaining: Int
    }

    private struct RecordFault {
        var statusCode: String
        var externalIDs: Set<String>?
        var fraction: Double?
        var remaining: Int?

        func matches(_ identity: String?) -> Bool {
            if externalIDs == nil && fraction == nil { return true }
            guard let identity else { return false }
            if let externalIDs, externalIDs.contains(identity) { return true }
            if let fraction, FaultScript.hashBucket(of: identity) < Int(fraction * 10_000) { return true }
            return false
        }
    }

    private var failing: [FailingFault] = []
    private var slow: [SlowFault] = []
    private var recordFaults: [RecordFault] = []

    /// No faults.
    init() {}

    /// Reads a script; `now` starts the `unavailable` windows.
    ///
    /// - Throws: ``FaultScriptError`` naming the fault and what is wrong with it.
    init(parsing script: JSONValue, now: ContinuousClock.Instant) throws(FaultScriptError) {
        guard let faults = script["faults"]?.arrayValue else {
            throw FaultScriptError(message: #"a fault script is an object {"faults":[...]}"#)
        }
        for (index, fault) in faults.enumerated() {
            let reader = FaultReader(fault: fault, location: "faults[\(index)]")
            let kind = try reader.string("kind")
            switch kind {
            case "invalid-session", "request-limit", "concurrent-limit":
                try reader.allowOnly(["kind", "count"])
                failing.append(FailingFault(failure: CallFailure(rawValue: kind)!, remaining: try reader.count() ?? 1))
            case "unavailable":
                try reader.allowOnly(["kind", "seconds"])
                let seconds = try reader.positiveNumber("seconds")
                failing.append(FailingFault(failure: .unavailable, until: now.advanced(by: .milliseconds(Int64(seconds * 1000)))))
            case "slow":
                try reader.allowOnly(["kind", "milliseconds", "count"])
                let milliseconds = try reader.positiveNumber("milliseconds")
                slow.append(SlowFault(delay: .milliseconds(Int64(milliseconds)), remaining: try reader.count() ?? 1))
            case "record-error":
                try reader.allowOnly(["kind", "statusCode", "externalIds", "fraction", "count"])
                recordFaults.append(RecordFault(
                    statusCode: try reader.string("statusCode"), externalIDs: try reader.strings("externalIds"),
                    fraction: try reader.fraction(), remaining: try reader.count()
                ))
            default:
                throw FaultScriptError(message: "\(reader.location): unknown kind '\(kind)'; expected invalid-session, unavailable, request-limit, concurrent-limit, slow or record-error")
            }
        }
    }

    /// Decides the fate of one authenticated data call, using up what it consumes.
    mutating func decideCall(at now: ContinuousClock.Instant) -> CallDecision {
        for index in failing.indices {
            if let until = failing[index].until {
                if now < until { return .fail(failing[index].failure) }
            } else if let remaining = failing[index].remaining, remaining > 0 {
                failing[index].remaining = remaining - 1
                return .fail(failing[index].failure)
            }
        }
        if let index = slow.firstIndex(where: { $0.remaining > 0 }) {
            slow[index].remaining -= 1
            return .proceed(delay: slow[index].delay)
        }
        return .proceed(delay: .zero)
    }

    /// The status code a scripted fault fails this otherwise valid record with, if any, using it up.
    ///
    /// - Parameter identity: what `externalIds` and `fraction` match: an upserted record's external id,
    ///   an updated record's `Id`; `nil` for a created record, which only faults naming neither can fail.
    mutating func recordFailure(matching identity: String?) -> String? {
        for index in recordFaults.indices where recordFaults[index].remaining != 0 && recordFaults[index].matches(identity) {
            if let remaining = recordFaults[index].remaining { recordFaults[index].remaining = remaining - 1 }
            return recordFaults[index].statusCode
        }
        return nil
    }

    /// FNV-1a (32-bit) of the id's UTF-8 bytes, mod 10000: stable across runs and platforms, so tests can
    /// predict which ids a `fraction` fails.
    static func hashBucket(of externalID: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in externalID.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int(hash % 10_000)
    }
}

/// A fault script that cannot be used, with what is wrong and where.
struct FaultScriptError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Reads one fault's members, naming the fault in every complaint.
private struct FaultReader {
    var fault: JSONValue
    var location: String

    func allowOnly(_ names: Set<String>) throws(FaultScriptError) {
        guard let members = fault.objectValue else { throw FaultScriptError(message: "\(location): a fault is an object") }
        if let unknown = members.keys.first(where: { !names.contains($0) }) {
            throw FaultScriptError(message: "\(location): unknown member '\(unknown)'; allowed: \(names.sorted().joined(separator: ", "))")
        }
    }

    func string(_ name: String) throws(FaultScriptError) -> String {
        guard let value = fault[name]?.stringValue, !value.isEmpty else {
            throw FaultScriptError(message: "\(location): '\(name)' must be a non-empty string")
        }
        return value
    }

    func strings(_ name: String) throws(FaultScriptError) -> Set<String>? {
        guard let value = fault[name] else { return nil }
        guard let elements = value.arrayValue, elements.allSatisfy({ $0.stringValue != nil }) else {
            throw FaultScriptError(message: "\(location): '\(name)' must be an array of strings")
        }
        return Set(elements.compactMap(\.stringValue))
    }

    func count() throws(FaultScriptError) -> Int? {
        guard let value = fault["count"] else { return nil }
        guard let count = value.int64Value, count > 0 else { throw FaultScriptError(message: "\(location): 'count' must be a positive integer") }
        return Int(count)
    }

    func positiveNumber(_ name: String) throws(FaultScriptError) -> Double {
        guard let number = fault[name]?.doubleValue, number > 0 else {
            throw FaultScriptError(message: "\(location): '\(name)' must be a positive number")
        }
        return number
    }

    func fraction() throws(FaultScriptError) -> Double? {
        guard let value = fault["fraction"] else { return nil }
        guard let fraction = value.doubleValue, (0...1).contains(fraction) else {
            throw FaultScriptError(message: "\(location): 'fraction' must be a number from 0 to 1")
        }
        return fraction
    }
}
