import Foundation
import HTTPServing
import StreamCore

/// `POST /services/data/vNN.N/composite`: up to 25 subrequests in one API call, answered as
/// `{"compositeResponse":[{"body":…,"httpHeaders":{},"httpStatusCode":…,"referenceId":"…"}]}`.
///
/// Subrequests run in order through ``DataAPI``; `@{referenceId.field}` in a later subrequest's URL or
/// body strings is replaced by that field of an earlier subresponse's body. With `allOrNone:true`, the
/// first failing subrequest (status ≥ 400) rolls every write back and the others answer `PROCESSING_HALTED`.
enum CompositeRequest {
    /// Salesforce's cap on subrequests per composite call.
    static let maximumSubrequests = 25

    private static let halted = APIError(
        status: 400, errorCode: "PROCESSING_HALTED",
        message: "The transaction was rolled back since another operation in the same transaction failed."
    )

    private struct Subrequest {
        var method: HTTPRequest.Method
        var url: String
        var referenceID: String
        var body: JSONValue?
    }

    static func respond(body: [UInt8], records: inout RecordStore, faults: inout FaultScript) -> APIResponse {
        let request: JSONValue
        do {
            request = try JSONValue(parsing: body)
        } catch {
            return APIResponse(.jsonParserError("Malformed JSON: \(error)"))
        }
        guard let items = request["compositeRequest"]?.arrayValue else {
            return APIResponse(.jsonParserError("The request body must be an object with a 'compositeRequest' array"))
        }
        guard items.count <= maximumSubrequests else {
            return APIResponse(APIError(status: 400, errorCode: "INVALID_BATCH_REQUEST", message: "Composite requests can have at most \(maximumSubrequests) subrequests"))
        }
        var subrequests: [Subrequest] = []
        for item in items {
            guard let method = item["method"]?.stringValue, let url = item["url"]?.stringValue, let referenceID = item["referenceId"]?.stringValue else {
                return APIResponse(.jsonParserError("Every subrequest needs 'method', 'url' and 'referenceId'"))
            }
            subrequests.append(Subrequest(method: HTTPRequest.Method(rawValue: method.uppercased()), url: url, referenceID: referenceID, body: item["body"]))
        }
        let allOrNone = request["allOrNone"]?.boolValue ?? false

        var staged = records
        var responses: [(referenceID: String, response: APIResponse)] = []
        var earlierBodies: [String: JSONValue] = [:]
        var failed = false
        for subrequest in subrequests {
            if allOrNone && failed {
                responses.append((subrequest.referenceID, APIResponse(halted)))
                continue
            }
            let response = respond(to: subrequest, earlierBodies: earlierBodies, records: &staged, faults: &faults)
            failed = failed || response.status >= 400
            earlierBodies[subrequest.referenceID] = response.body
            responses.append((subrequest.referenceID, response))
        }
        if allOrNone && failed {
            responses = responses.map { $0.response.status < 400 ? ($0.referenceID, APIResponse(halted)) : $0 }
        } else {
            records = staged
        }
        return APIResponse(status: 200, body: ["compositeResponse": .array(responses.map { referenceID, response in
            ["body": response.body, "httpHeaders": [:], "httpStatusCode": .int(Int64(response.status)), "referenceId": .string(referenceID)]
        })])
    }

    private static func respond(to subrequest: Subrequest, earlierBodies: [String: JSONValue], records: inout RecordStore, faults: inout FaultScript) -> APIResponse {
        let url: String
        var body: JSONValue?
        do throws(APIError) {
            url = try resolveReferences(in: subrequest.url, earlierBodies: earlierBodies)
            if let unresolved = subrequest.body { body = try resolveReferences(in: unresolved, earlierBodies: earlierBodies) }
        } catch {
            return APIResponse(error)
        }
        let path = HTTPRequest(method: subrequest.method, uri: url).path
        guard path.count >= 3, path[0] == "services", path[1] == "data", DataAPI.isVersion(path[2]) else {
            return APIResponse(.notFound)
        }
        return DataAPI.respond(
            method: subrequest.method, resource: Array(path.dropFirst(3)), body: body?.jsonBytes ?? [],
            records: &records, faults: &faults, insideComposite: true
        )
    }

    private static func resolveReferences(in value: JSONValue, earlierBodies: [String: JSONValue]) throws(APIError) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(try resolveReferences(in: text, earlierBodies: earlierBodies))
        case .array(let elements):
            var resolved: [JSONValue] = []
            for element in elements { resolved.append(try resolveReferences(in: element, earlierBodies: earlierBodies)) }
            return .array(resolved)
        case .object(let members):
            var resolved = JSONObject()
            for (name, member) in members { _ = resolved.updateValue(try resolveReferences(in: member, earlierBodies: earlierBodies), forKey: name) }
            return .object(resolved)
        default:
            return value
        }
    }

    /// `text` with each `@{referenceId.field.field…}` replaced by that value of the earlier subresponse.
    private static func resolveReferences(in text: String, earlierBodies: [String: JSONValue]) throws(APIError) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "@{"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            result += rest[..<start.lowerBound]
            let reference = rest[start.upperBound..<end].split(separator: ".").map(String.init)
            var value = reference.first.flatMap { earlierBodies[$0] }
            for field in reference.dropFirst() { value = value?[field] }
            guard reference.count >= 2, let value, value.stringValue != nil || value.int64Value != nil else {
                throw APIError(status: 400, errorCode: "PROCESSING_HALTED", message: "Invalid reference specified. No value for @{\(reference.joined(separator: "."))} found in an earlier subresponse.")
            }
            result += value.stringValue ?? String(value.int64Value!)
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
