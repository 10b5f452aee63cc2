import Foundation
import HTTPServing
import Logging
import StreamCore

/// `runner dev-broker --control-port`: the development broker's faults, scripted over HTTP so that a test
/// or a person with curl can stage an outage while clients run. Every endpoint answers JSON:
/// `{"ok":true,"applied":"..."}`, or `{"error":"..."}` with 400 (a bad argument, or one the broker
/// refused) or 404 (no such endpoint).
struct DevBrokerControlServer: Sendable {
    private let broker: DevBroker

    /// What `GET /` lists.
    static let endpoints: [JSONValue] = [
        "POST /brokers/{id}/down",
        "POST /brokers/{id}/up",
        "POST /brokers/{id}/rtt?ms=N",
        "POST /errors?api=NAME|NUMBER&codes=NAME|NUMBER[,...]",
        "POST /topics/{topic}/partitions/{partition}/leader?broker=N",
        "POST /coordinator?kind=group|transaction&key=ID&broker=N",
    ]

    /// Binds `host:port` (0 picks a free port) and returns the server, to run in the dev broker's service group.
    static func bind(host: String, port: Int, broker: DevBroker, logger: Logger) async throws -> HTTPServer {
        let routes = DevBrokerControlServer(broker: broker)
        let server = try await HTTPServer.bind(configuration: .init(host: host, port: port), logger: logger) { request in
            routes.respond(to: request)
        }
        logger.notice("dev broker control serving; GET / lists the endpoints", metadata: ["address": "\(server.host):\(server.port)"])
        return server
    }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        do throws(ControlError) {
            return json(200, try route(request))
        } catch {
            return json(error.status, ["error": .string(error.message)])
        }
    }

    private func route(_ request: HTTPRequest) throws(ControlError) -> JSONValue {
        let path = request.path, query = request.query
        switch (request.method, path) {
        case (.get, []):
            return ["ok": true, "brokers": .array(broker.brokerIDs.map { .int(Int64($0)) }), "endpoints": .array(Self.endpoints)]
        case (.post, _) where path.count == 3 && path[0] == "brokers":
            let id = try brokerID(path[1], "the broker id in the path")
            switch path[2] {
            case "down", "up":
                try apply { () throws(KafkaError) in try broker.setBroker(id, up: path[2] == "up") }
                return applied("broker \(id) \(path[2])")
            case "rtt":
                let milliseconds = try number(Int32.self, query, "ms")
                try apply { () throws(KafkaError) in try broker.setRoundTripTime(broker: id, milliseconds: milliseconds) }
                return applied("broker \(id) answers after \(milliseconds) ms")
            default:
                throw .notFound
            }
        case (.post, ["errors"]):
            let apiText = try parameter(query, "api")
            guard let api = KafkaAPIKey(apiText) else {
                throw ControlError(status: 400, message: "'api' must be a request type (\(KafkaAPIKey.named.keys.sorted().joined(separator: ", "))) or its number, got '\(apiText)'")
            }
            var codes: [KafkaProtocolErrorCode] = []
            for text in try parameter(query, "codes").split(separator: ",") {
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard let code = KafkaProtocolErrorCode(trimmed) else {
                    throw ControlError(status: 400, message: "'codes': '\(trimmed)' is neither a Kafka error name (e.g. NOT_LEADER_OR_FOLLOWER) nor a number")
                }
                codes.append(code)
            }
            try apply { () throws(KafkaError) in try broker.injectRequestErrors(apiKey: api, errors: codes) }
            return applied("the next \(codes.count) \(api) requests fail with \(codes.map(\.name).joined(separator: ", "))")
        case (.post, _) where path.count == 5 && path[0] == "topics" && path[2] == "partitions" && path[4] == "leader":
            let partition = try Int32(path[3]).orBadRequest("the partition in the path must be a number, got '\(path[3])'")
            let id = try brokerID(try parameter(query, "broker"), "'broker'")
            try apply { () throws(KafkaError) in try broker.setLeader(topic: path[1], partition: partition, broker: id) }
            return applied("broker \(id) leads \(path[1])-\(partition)")
        case (.post, ["coordinator"]):
            let kind: DevBroker.CoordinatorKind
            switch try parameter(query, "kind") {
            case "group": kind = .group
            case "transaction": kind = .transaction
            case let other: throw ControlError(status: 400, message: "'kind' must be group or transaction, got '\(other)'")
            }
            let key = try parameter(query, "key")
            let id = try brokerID(try parameter(query, "broker"), "'broker'")
            try apply { () throws(KafkaError) in try broker.setCoordinator(kind: kind, key: key, broker: id) }
            return applied("broker \(id) coordinates \(kind) \(key)")
        default:
            throw .notFound
        }
    }

    // MARK: - Arguments

    private func parameter(_ query: [String: String], _ name: String) throws(ControlError) -> String {
        guard let value = query[name], !value.isEmpty else { throw ControlError(status: 400, message: "query parameter '\(name)' is required") }
        return value
    }

    private func number<Number: FixedWidthInteger>(_: Number.Type, _ query: [String: String], _ name: String) throws(ControlError) -> Number {
        let text = try parameter(query, name)
        return try Number(text).orBadRequest("'\(name)' must be a whole number, got '\(text)'")
    }

    private func brokerID(_ text: String, _ what: String) throws(ControlError) -> Int32 {
        try Int32(text).orBadRequest("\(what) must be a broker number (\(broker.brokerIDs.lowerBound) to \(broker.brokerIDs.upperBound)), got '\(text)'")
    }

    /// Runs a fault; the broker's refusal (unknown broker or topic) is the client's mistake: 400.
    private func apply(_ fault: () throws(KafkaError) -> Void) throws(ControlError) {
        do {
            try fault()
        } catch {
            throw ControlError(status: 400, message: error.message)
        }
    }

    private func applied(_ description: String) -> JSONValue {
        ["ok": true, "applied": .string(description)]
    }

    private func json(_ status: Int, _ body: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body.jsonBytes)
    }
}

/// Why a control request was not applied, as its status and JSON error.
private struct ControlError: Error {
    var status: Int
    var message: String

    static let notFound = ControlError(status: 404, message: "no such endpoint; GET / lists them")
}

private extension Optional {
    func orBadRequest(_ message: @autoclosure () -> String) throws(ControlError) -> Wrapped {
        guard let self else { throw ControlError(status: 400, message: message()) }
        return self
    }
}
