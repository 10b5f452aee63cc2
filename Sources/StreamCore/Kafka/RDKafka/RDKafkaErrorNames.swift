import CRdKafka

/// librdkafka's table of error codes and their names (`NOT_LEADER_OR_FOLLOWER`, `_TRANSPORT`, ...).
enum RDKafkaErrorNames {
    /// Name → code, read once from librdkafka, plus the names Kafka uses where librdkafka 2.0.2 keeps an
    /// older one (Kafka 2.7 renamed NOT_LEADER_FOR_PARTITION) or spells the enum differently.
    private static let codesByName: [String: Int32] = {
        var descriptions: UnsafePointer<rd_kafka_err_desc>?
        var count = 0
        rd_kafka_get_err_descs(&descriptions, &count)
        guard let descriptions else { return [:] }
        var table: [String: Int32] = [
            "NOT_LEADER_OR_FOLLOWER": RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION.rawValue,
            "GROUP_LOAD_IN_PROGRESS": RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS.rawValue,
            "GROUP_COORDINATOR_NOT_AVAILABLE": RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE.rawValue,
            "NOT_COORDINATOR_FOR_GROUP": RD_KAFKA_RESP_ERR_NOT_COORDINATOR.rawValue,
        ]
        // The table has gaps (entries without a name) between librdkafka's local and the protocol's codes.
        for description in UnsafeBufferPointer(start: descriptions, count: count) {
            guard let name = description.name else { continue }
            table[String(cString: name)] = description.code.rawValue
        }
        return table
    }()

    static func code(named name: String) -> Int32? { codesByName[name] }

    static func name(of code: Int32) -> String { String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code))) }
}
