import CRdKafka

extension KafkaError {
    /// An error from a librdkafka response code, keeping librdkafka's name and text for it.
    init(code: Code, responseError: rd_kafka_resp_err_t, context: String, topicPartition: TopicPartition? = nil, offset: Int64? = nil) {
        let name = String(cString: rd_kafka_err2name(responseError))
        let text = String(cString: rd_kafka_err2str(responseError))
        self.init(
            code: code, message: "\(context): \(name): \(text)", topicPartition: topicPartition, offset: offset,
            protocolCode: KafkaProtocolErrorCode(rawValue: responseError.rawValue))
    }

    /// Takes (and destroys) a librdkafka error object.
    static func consuming(_ error: OpaquePointer, code: Code, context: String) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let name = String(cString: rd_kafka_error_name(error))
        let text = String(cString: rd_kafka_error_string(error))
        let fatal = rd_kafka_error_is_fatal(error) != 0
        return KafkaError(
            code: fatal ? .fatal : code, message: "\(context): \(name): \(text)", protocolCode: KafkaProtocolErrorCode(rawValue: rd_kafka_error_code(error).rawValue))
    }
}

extension KafkaTransactionError {
    /// Takes (and destroys) the error object a transactional call returned. An error librdkafka marks
    /// neither retriable nor abortable (a call in the wrong state) is classified fatal: the producer's
    /// transactional state is then unknown, and only a new producer is safe.
    static func consuming(_ error: OpaquePointer, operation: TransactionCall.Operation) -> KafkaTransactionError {
        defer { rd_kafka_error_destroy(error) }
        let code: Code =
            if rd_kafka_error_is_fatal(error) != 0 { .fatal }
            else if rd_kafka_error_txn_requires_abort(error) != 0 { .abortable }
            else if rd_kafka_error_is_retriable(error) != 0 { .retriable }
            else { .fatal }
        return KafkaTransactionError(
            code: code, operation: operation, errorName: String(cString: rd_kafka_error_name(error)), message: String(cString: rd_kafka_error_string(error)))
    }
}

extension rd_kafka_resp_err_t {
    var isError: Bool { self != RD_KAFKA_RESP_ERR_NO_ERROR }
}
