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
        if result.isError {
            throw KafkaError(code: .mockClusterFailed, responseError: result, context: "create topic \(name) with \(partitions) partitions")
        }
    }
}
