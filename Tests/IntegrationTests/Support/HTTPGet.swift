import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The body of `GET http://127.0.0.1:PORT/PATH` from a runner's HTTP server, as text.
func httpGet(port: Int, _ path: String) async throws -> String {
    let (body, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    return String(decoding: body, as: UTF8.self)
}
