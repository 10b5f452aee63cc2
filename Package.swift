// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Tributary",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "runner", targets: ["Runner"]),
        .library(name: "StreamCore", targets: ["StreamCore"]),
        .library(name: "Topologies", targets: ["Topologies"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // The C libraries, wrapped once: only StreamCore's Kafka/RDKafka and State/RocksDB folders import these.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CRocksDB", pkgConfig: "rocksdb", providers: [.apt(["librocksdb-dev"])]),
        .target(
            name: "StreamCore",
            dependencies: [
                "CRdKafka",
                "CRocksDB",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Topologies",
            dependencies: [
                "StreamCore",
                "TextClassification",
                // A sink step's definition makes its destination (docs/ARCHITECTURE.md, "Adding a sink").
                "Sinks",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A small HTTP/1.1 server (keep-alive, whole requests to an async handler): the runner's operations
        // endpoint and the development stand-ins serve through it.
        .target(
            name: "HTTPServing",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `runner dev-salesforce`: a local stand-in answering in Salesforce's REST wire format, errors and
        // scripted faults included, for developing and testing the Salesforce sink without an org.
        .target(
            name: "DevSalesforce",
            dependencies: [
                "HTTPServing",
                "StreamCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Text classifiers for the classify step (naive Bayes over words and character n-grams).
        .target(name: "TextClassification", dependencies: ["StreamCore"]),
        // Sinks that write to the outside world (Salesforce REST, HTTP webhooks) from a sink topic.
        .target(
            name: "Sinks",
            dependencies: [
                "StreamCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Everything `runner` does (its commands, topology loading, sink setup, the operations HTTP endpoint
        // and query routing, the instance directory, the demo shop), as a library that unit tests reach.
        .target(
            name: "RunnerKit",
            dependencies: [
                "StreamCore",
                "Topologies",
                "Sinks",
                "TextClassification",
                "HTTPServing",
                "DevSalesforce",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // jemalloc serves every allocation in the runner's process, librdkafka's and RocksDB's included:
        // with glibc's allocator a stream thread waited on arena locks whenever it freed memory another
        // thread had allocated (librdkafka's fetched records, its delivered outputs). docs/BENCHMARKS.md,
        // "2026-12-07 (night): the allocator, …", has the profile and the figures.
        .executableTarget(name: "Runner", dependencies: ["RunnerKit"], linkerSettings: [.linkedLibrary("jemalloc")]),
        // What every test target shares: temporary directories, waiting for a condition, TestFailure.
        .target(name: "TributaryTestSupport", path: "Tests/TributaryTestSupport"),
        .testTarget(name: "StreamCoreTests", dependencies: ["StreamCore", "TributaryTestSupport"]),
        .testTarget(name: "TextClassificationTests", dependencies: ["TextClassification", "TributaryTestSupport"]),
        .testTarget(name: "SinksTests", dependencies: ["Sinks", "StreamCore", "TributaryTestSupport", .product(name: "_CryptoExtras", package: "swift-crypto")]),
        .testTarget(name: "TopologiesTests", dependencies: ["Topologies", "StreamCore", "TributaryTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "RunnerKitTests", dependencies: ["RunnerKit", "StreamCore", "Topologies", "Sinks", "TributaryTestSupport"]),
        // Needs a broker: starts `runner dev-broker` itself, so it depends on the executable being built.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "StreamCore", "Topologies", "Sinks", "HTTPServing", "Runner", "TributaryTestSupport",
                // Raw connections to the HTTP server, to send what no well-behaved client would.
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // Signs the JWT-bearer assertions the dev-salesforce tests send.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
