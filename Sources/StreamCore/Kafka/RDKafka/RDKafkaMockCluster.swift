import CRdKafka

/// The one owner of a librdkafka mock cluster: a Kafka-protocol broker (or several) living inside
/// a client handle, listening on loopback TCP ports that any Kafka client can reach.
///
/// The cluster lives exactly as long as its host handle; `deinit` destroys the cluster first.
final class RDKafkaMockCluster: @unchecked Sendable {
    // Unchecked: the mock cluster API is thread-safe (it sends operations to the cluster's own thread).
    private let host: RDKafkaClient
    private let cluster: OpaquePointer

    init(brokers: Int, host: RDKafkaClient) throws(KafkaError) {
        guard brokers >= 1 else { throw KafkaError(code: .mockClusterFailed, message: "a cluster needs at least one broker, got \(brokers)") }
        guard let cluster = rd_kafka_mock_cluster_new(host.handle, Int32(brokers)) else {
            throw KafkaError(code: .mockClusterFailed, message: "rd_kafka_mock_cluster_new failed for \(brokers) brokers")
        }
        self.host = host
        self.cluster = cluster
    }

    deinit { rd_kafka_mock_cluster_destroy(cluster) }

    /// `127.0.0.1:PORT[,127.0.0.1:PORT...]`.
    var bootstrapServers: String { String(cString: rd_kafka_mock_cluster_bootstraps(cluster)) }

    func createTopic(_ name: String, partitions: Int, replicationFactor: Int) throws(KafkaError) {
        let result = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor))
        try check(result, "create topic \(name) with \(partitions) partitions")
    }

    /// Disconnects broker `id` and refuses new connections (`up: false`), or accepts them again.
    /// Leadership does not move: partitions it leads are unavailable while it is down.
    func setBroker(_ id: Int32, up: Bool) throws(KafkaError) {
        let result = up ? rd_kafka_mock_broker_set_up(cluster, id) : rd_kafka_mock_broker_set_down(cluster, id)
        try check(result, "set broker \(id) \(up ? "up" : "down")")
    }

    /// Delays every response of broker `id` by `milliseconds`.
    func setRoundTripTime(broker id: Int32, milliseconds: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_rtt(cluster, id, milliseconds), "set broker \(id) round-trip time to \(milliseconds) ms")
    }

    /// Makes the next `errors.count` requests of `apiKey` (on any broker) fail with these codes, in order.
    func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, buffer.count, buffer.baseAddress)
        }
    }

    /// Makes broker `id` the leader of `topic`'s `partition`.
    func setLeader(topic: String, partition: Int32, broker id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_partition_set_leader(cluster, topic, partition, id), "set the leader of \(topic)-\(partition) to broker \(id)")
    }

    /// Makes broker `id` the coordinator of `key` (a group id for `keyType` "group", a transactional id
    /// for "transaction").
    func setCoordinator(keyType: String, key: String, broker id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_coordinator_set(cluster, keyType, key, id), "set the \(keyType) coordinator of \(key) to broker \(id)")
    }

    private func check(_ result: rd_kafka_resp_err_t, _ context: @autoclosure () -> String) throws(KafkaError) {
        if result.isError { throw KafkaError(code: .mockClusterFailed, responseError: result, context: context()) }
    }
}
