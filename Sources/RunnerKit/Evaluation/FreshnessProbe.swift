import StreamCore

/// Measures how soon a shopper's recommendations reflect a new event: each probe is a product view
/// with a fresh message id, timed from just before it is produced until the shopper's document names
/// it as its last event. A few shoppers are probed at once, as shoppers act at once.
struct FreshnessProbe {
    let stores: RunnerQueryClient
    let producer: KafkaProducer
    let shoppers: [String]
    let products: [String]
    let seed: UInt64
    /// Event time of the first probe (after the history); each later one is a second later.
    let startTime: Int64
    /// Probes in flight at once, each for another shopper.
    var concurrency = 5
    /// How often a probe asks the store.
    var pollInterval: Duration = .milliseconds(20)
    /// A probe not reflected by then counts as this long (and is reported as such).
    var timeout: Duration = .seconds(30)

    /// The latency of `count` probes.
    func measure(count: Int) async throws -> [Duration] {
        var random = SeededRandom(seed: seed ^ 0xF2E5)
        var latencies: [Duration] = []
        var round = 0
        while latencies.count < count {
            round += 1
            let batch = (0..<min(concurrency, count - latencies.count)).map { index in
                (shopper: shoppers[(round * concurrency + index) % shoppers.count], product: products[Int(random.next() % UInt64(products.count))], id: "probe-\(seed)-\(round)-\(index)")
            }
            latencies += try await withThrowingTaskGroup(of: Duration.self) { group in
                for probe in batch {
                    let time = startTime + Int64(latencies.count) * 1_000
                group.addTask { try await self.time(probe.shopper, viewing: probe.product, id: probe.id, at: time) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        return latencies
    }

    private func time(_ shopper: String, viewing product: String, id: String, at time: Int64) async throws -> Duration {
        let value = TasteHistory.interaction("Product Viewed", shopper: shopper, product: product, id: id, time: time)
        let start = ContinuousClock.now
        try await producer.send(ProducerRecord(topic: "customer-interactions", key: Array(shopper.utf8), value: JSONSerializer.serialize(value)))
        while start.duration(to: .now) < timeout {
            if let document = try? await stores.recommendations(of: shopper), document.lastEventID == id { return start.duration(to: .now) }
            try await Task.sleep(for: pollInterval)
        }
        return timeout
    }
}
