import Foundation
import Testing

@testable import Sinks

/// A sink's task runs its synchronous stretches — the blocking librdkafka calls — on its own thread.
@Suite("Dedicated thread executor")
struct DedicatedThreadExecutorTests {
    @Test func aTaskPreferringItRunsOnItsThreadAcrossSuspensions() async throws {
        let executor = DedicatedThreadExecutor(name: "tributary-sink-test")
        defer { executor.shutDown() }
        #expect(!executor.isCurrentThread)
        let onItsThread = await withTaskExecutorPreference(executor) { () async -> [Bool] in
            var samples = [executor.isCurrentThread]
            for _ in 0..<3 {
                try? await Task.sleep(for: .milliseconds(5))
                samples.append(executor.isCurrentThread)
            }
            return samples
        }
        #expect(onItsThread == [true, true, true, true])
    }
}
