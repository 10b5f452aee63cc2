import ArgumentParser
import Foundation
import Logging
import StreamCore
import Topologies

/// A topology file, parsed, validated and compiled.
struct LoadedTopology {
    let file: String
    let definition: TopologyDefinition
    let topology: Topology

    /// The topology compiled again with its sources' partition counts as the cluster (or a dev broker's
    /// `--topic`) has them (``TopologyDefinition/followingCluster(_:)``): internal topics follow, and
    /// sources that must be co-partitioned and are not are diagnosed at their join.
    func followingCluster(_ partitions: [String: Int], logger: Logger) throws(TopologyDiagnostics) -> LoadedTopology {
        let definition = definition.followingCluster(partitions)
        return LoadedTopology(file: file, definition: definition, topology: try TopologyCompiler.compile(definition, logger: logger))
    }
}

/// Loads topology files for every command, printing `FILE:LINE:COLUMN: message` diagnostics to
/// standard error.
enum TopologyLoader {
    /// Parses and compiles each file; returns `nil` for a file with diagnostics (already printed).
    static func load(_ file: String, logger: Logger) -> LoadedTopology? {
        do throws(TopologyDiagnostics) {
            let definition = try TopologyParser.parse(fileAt: file)
            let topology = try TopologyCompiler.compile(definition, logger: logger)
            return LoadedTopology(file: file, definition: definition, topology: topology)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            return nil
        }
    }

    /// Loads every file (directories: the topology files in them, see ``topologyFiles(_:)``), or
    /// exits with status 1 after printing all of their diagnostics.
    static func loadAll(_ files: [String], logger: Logger) throws -> [LoadedTopology] {
        let loaded = topologyFiles(files).map { load($0, logger: logger) }
        guard loaded.allSatisfy({ $0 != nil }) else { throw ExitCode(1) }
        let topologies = loaded.compactMap { $0 }
        var seen: [String: String] = [:]
        for topology in topologies {
            let id = topology.topology.applicationID
            if let other = seen[id] {
                FileHandle.standardError.write(Data("\(topology.definition.applicationID.location): application-id '\(id)' is also used by \(other); each topology needs its own\n".utf8))
                throw ExitCode(1)
            }
            seen[id] = topology.file
        }
        return topologies
    }

    /// `files` with each directory replaced by the `.yml` files directly in it (sorted; so
    /// `--topology topologies/` runs the whole shop, not the examples below it), and without test
    /// files (`NAME.test.yml`), so that `runner validate topologies/*.yml` and `runner test
    /// topologies/*.yml` take the topologies a glob also matches their tests next to.
    static func topologyFiles(_ files: [String]) -> [String] {
        files.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let prefix = path.hasSuffix("/") ? path : path + "/"
            return names.filter { $0.hasSuffix(".yml") }.sorted().map { prefix + $0 }
        }.filter { !$0.hasSuffix(TopologyTestParser.testFileSuffix) }
    }

    /// `topologies` following the cluster's partition counts (``LoadedTopology/followingCluster(_:logger:)``),
    /// or exit status 1 after printing the diagnostics.
    static func followingCluster(_ topologies: [LoadedTopology], partitions: [String: Int], logger: Logger) throws -> [LoadedTopology] {
        do throws(TopologyDiagnostics) {
            return try topologies.map { topology throws(TopologyDiagnostics) in try topology.followingCluster(partitions, logger: logger) }
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }

    /// Every topic the topologies use, with partition counts (the larger count wins where two files differ).
    static func topicPartitions(of topologies: [LoadedTopology]) -> [String: Int] {
        topologies.reduce(into: [:]) { counts, topology in
            counts.merge(topology.definition.topicPartitions) { max($0, $1) }
        }
    }
}
