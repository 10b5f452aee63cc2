import CRdKafka

extension KafkaError {
    /// An error from a librdkafka response code, keeping librdkafka's name and text for it.
    init(code: Code, responseError: rd_kafka_resp_err_t, context: String, topicPartition: TopicPartition? = nil, offset: Int64? = nil) {
        let name = String(cString: rd_kafka_err2name(responseError))
        let text = String(cString: rd_kafka_err2str(responseError))
        self.init(code: code, message: "\(context): \(name): \(text)", topicPartition: topicPartition, offset: offset)
    }

    /// Takes (and destroys) a librdkafka error object.
    static func consuming(_ error: OpaquePointer, code: Code, context: String) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let name = String(cString: rd_kafka_error_name(error))
        let text = String(cString: rd_kafka_error_string(error))
        let fatal = rd_kafka_error_is_fatal(error) != 0
        return KafkaError(code: fatal ? .fatal : code, message: "\(context): \(name): \(text)")
    }
}

extension rd_kafka_resp_err_t {
    var isError: Bool { self != RD_KAFKA_RESP_ERR_NO_ERROR }
}
