import HTTPServing
import StreamCore

/// The REST resources the stand-in serves under `/services/data/vNN.N/`, once a call has been
/// authenticated, admitted past the limits and faults, and counted.
enum DataAPI {
    /// Answers `method` on `resource` (the path components after the version).
    ///
    /// - Parameter insideComposite: true for a composite's subrequest, which may not be a composite itself.
    static func respond(
        method: HTTPRequest.Method, resource: [String], body: [UInt8],
        records: inout RecordStore, faults: inout FaultScript, insideComposite: Bool = false
    ) -> APIResponse {
        switch resource {
        case ["composite", "sobjects"]:
            switch method {
            case .post: return CollectionsCreate.respond(body: body, records: &records, faults: &faults)
            case .patch: return CollectionsUpdate.respond(body: body, records: &records, faults: &faults)
            default: return APIResponse(.methodNotAllowed(method.rawValue, allowed: "PATCH,POST"))
            }
        case let path where path.count == 4 && path[0] == "composite" && path[1] == "sobjects":
            guard method == .patch else { return APIResponse(.methodNotAllowed(method.rawValue, allowed: "PATCH")) }
            return CollectionsUpsert.respond(sObject: path[2], externalIDField: path[3], body: body, records: &records, faults: &faults)
        case let path where path.count == 4 && path[0] == "sobjects":
            guard method == .patch else { return APIResponse(.methodNotAllowed(method.rawValue, allowed: "PATCH")) }
            return SingleUpsert.respond(sObject: path[1], externalIDField: path[2], externalID: path[3], body: body, records: &records, faults: &faults)
        case ["composite"] where !insideComposite:
            guard method == .post else { return APIResponse(.methodNotAllowed(method.rawValue, allowed: "POST")) }
            return CompositeRequest.respond(body: body, records: &records, faults: &faults)
        default:
            return APIResponse(.notFound)
        }
    }

    /// Whether `component` is an API version as in URLs, e.g. `v60.0`.
    static func isVersion(_ component: String) -> Bool {
        guard component.first == "v" else { return false }
        let numbers = component.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return numbers.count == 2 && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}
