import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StreamCore

/// Asks a runner's HTTP endpoint what an evaluation needs, as any client of the shop would: shoppers'
/// recommendations documents and how much the runner has processed.
struct RunnerQueryClient: Sendable {
    /// What an evaluation needs from one recommendations document.
    struct Recommendations: Sendable {
        var products: [String]
        /// The id of the last event the document reflects.
        var lastEventID: String?
    }

    let port: Int
    var store = "user-recommendations"

    /// The shopper's document; nil while the store has none (or the runner does not answer yet).
    func recommendations(of shopper: String) async throws -> Recommendations? {
        guard let body = try await get("/stores/\(store)/keys/\(shopper)") else { return nil }
        let value = try JSONValue(parsing: body)["value"]
        return Recommendations(
            products: value?["recommendations"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            lastEventID: value?["last_event"]?["id"]?.stringValue)
    }

    /// Records processed by all the topology's nodes so far (`tributary_node_records_total`, summed).
    func processedRecords() async throws -> Double {
        guard let metrics = try await get("/metrics") else { return 0 }
        return metrics.split(separator: "\n")
            .filter { $0.hasPrefix("tributary_node_records_total{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }

    /// Waits until the runner has processed nothing for `quiet`: whatever was in flight behind the
    /// records already reflected (similarity updates, global tables) has settled.
    func waitUntilIdle(quiet: Duration = .seconds(3)) async throws {
        var last = try await processedRecords()
        var stableSince = ContinuousClock.now
        while stableSince.duration(to: .now) < quiet {
            try await Task.sleep(for: .milliseconds(500))
            let now = try await processedRecords()
            if now != last { (last, stableSince) = (now, .now) }
        }
    }

    private func get(_ path: String) async throws -> String? {
        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { return nil }
        return String(decoding: body, as: UTF8.self)
    }
}
