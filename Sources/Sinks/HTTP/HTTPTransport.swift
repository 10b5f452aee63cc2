import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP exchange as sinks see it: whole bodies, headers by lowercased name.
public struct HTTPExchange: Sendable {
    public struct Response: Sendable {
        public var status: Int
        /// Header values by lowercased name.
        public var headers: [String: String]
        public var body: [UInt8]
    }

    /// The request could not be made or got no answer (refused, reset, timed out).
    public struct TransportError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }
}

/// Sends HTTP requests for sinks (URLSession; libcurl on Linux), one shared connection pool per sink.
public final class HTTPTransport: Sendable {
    private let session: URLSession

    /// - Parameter timeout: how long one request may take, answer included.
    public init(timeout: Duration = .seconds(60)) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = Double(timeout.components.seconds)
        configuration.timeoutIntervalForResource = Double(timeout.components.seconds)
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    /// Sends a request and returns the answer, whatever its status.
    ///
    /// - Throws: ``HTTPExchange/TransportError`` when no answer came.
    public func send(_ method: String, _ url: URL, headers: [String: String] = [:], body: [UInt8]? = nil) async throws(HTTPExchange.TransportError) -> HTTPExchange.Response {
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body) }
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw HTTPExchange.TransportError(description: "not an HTTP answer") }
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
            }
            return HTTPExchange.Response(status: http.statusCode, headers: headers, body: Array(data))
        } catch let error as HTTPExchange.TransportError {
            throw error
        } catch {
            // The URL is named without its query: a query may carry a secret.
            throw HTTPExchange.TransportError(description: "\(method) \(url.scheme ?? "")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\(url.path): \(error.localizedDescription)")
        }
    }
}
