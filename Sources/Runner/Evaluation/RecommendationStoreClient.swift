import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StreamCore

/// Reads shoppers' recommendations documents from a runner's interactive-query endpoint, as any
/// client of the shop would.
struct RecommendationStoreClient: Sendable {
    /// What an evaluation needs from one document.
    struct Document: Sendable {
        var recommendations: [String]
        /// The id of the last event the document reflects.
        var lastEventID: String?
    }

    let port: Int
    var store = "user-recommendations"

    /// The shopper's document; nil while the store has none (or the runner does not answer yet).
    func document(of shopper: String) async throws -> Document? {
        let url = URL(string: "http://127.0.0.1:\(port)/stores/\(store)/keys/\(shopper)")!
        let (body, response) = try await URLSession.shared.data(from: url)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { return nil }
        let value = try JSONValue(parsing: String(decoding: body, as: UTF8.self))["value"]
        let recommendations = value?["recommendations"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return Document(recommendations: recommendations, lastEventID: value?["last_event"]?["id"]?.stringValue)
    }
}
