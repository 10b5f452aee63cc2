/// What wrote a state store: the node that writes it (its kind and the store's layout) and every node
/// that feeds it, across repartition topics (names, kinds, and the sources' topics and formats).
/// Kept with the store (locally and in its changelog), so that a topology changed in a way its stored
/// state cannot follow — another layout, other formats, steps added, removed or reordered before the
/// store — is refused with what changed, instead of mixing old state with new logic.
///
/// Expressions are not part of it: a changed filter or mapping keeps the same structure, and whether
/// old state may be kept across it is the operator's call (`runner reset` starts over).
public struct StoreLineage: Hashable, Sendable {
    /// The writing node, as `name [kind, layout]`.
    public var writer: String
    /// The nodes feeding the writer, as `name [kind]` (sources with topic and formats), sorted.
    public var feeding: [String]

    public init(writer: String, feeding: [String]) {
        self.writer = writer
        self.feeding = feeding
    }

    /// The lineage of `store` in `topology`; nil for a store no node writes.
    public init?(of store: String, in topology: Topology) {
        guard let writer = topology.nodes.first(where: { $0.operation.storeName == store }) else { return nil }
        // Parents along the graph, and across repartition topics from the node reading one back to the
        // node writing it: what happens before a repartition feeds the store as much as what follows.
        var parents: [TopologyNode.ID: [TopologyNode.ID]] = [:]
        var repartitionWriters: [String: [TopologyNode.ID]] = [:]
        for node in topology.nodes {
            for child in node.children { parents[child, default: []].append(node.id) }
            if case .repartitionSink(let topic) = node.operation { repartitionWriters[topic, default: []].append(node.id) }
        }
        for node in topology.nodes {
            if case .repartitionSource(let topic) = node.operation { parents[node.id, default: []] += repartitionWriters[topic] ?? [] }
        }
        var feeding: Set<String> = []
        var pending = parents[writer.id] ?? []
        var seen: Set<TopologyNode.ID> = []
        while let id = pending.popLast() {
            guard seen.insert(id).inserted else { continue }
            feeding.insert(Self.describe(topology.nodes[id]))
            pending += parents[id] ?? []
        }
        self.init(writer: Self.describe(writer), feeding: feeding.sorted())
    }

    /// What differs from `other` (the lineage the store was written with), in words; empty when nothing does.
    public func changes(since other: StoreLineage) -> [String] {
        var changes: [String] = []
        if writer != other.writer { changes.append("written by \(other.writer), now by \(writer)") }
        let (before, now) = (Set(other.feeding), Set(feeding))
        let removed = before.subtracting(now).sorted()
        let added = now.subtracting(before).sorted()
        if !removed.isEmpty { changes.append("no longer fed by \(removed.joined(separator: ", "))") }
        if !added.isEmpty { changes.append("now also fed by \(added.joined(separator: ", "))") }
        return changes
    }

    private static func describe(_ node: TopologyNode) -> String {
        switch node.operation {
        case .source(let topic, let keyFormat, let valueFormat, _):
            "\(node.name) [source: topic \(topic), key \(keyFormat.rawValue), value \(valueFormat.rawValue)]"
        case .repartitionSource(let topic):
            "\(node.name) [source: repartition topic \(topic)]"
        case .aggregate(let aggregation):
            "\(node.name) [\(node.operation.kind)\(aggregation.windows.map { ", \(layout(of: $0))" } ?? "")]"
        default:
            "\(node.name) [\(node.operation.kind)]"
        }
    }

    /// What decides how windows are keyed in the store (grace and retention do not).
    private static func layout(of windows: WindowSpecification) -> String {
        switch windows {
        case .time(let windows): "windows of \(windows.size) ms every \(windows.advance) ms"
        case .session: "session windows"
        case .sliding(let windows): "sliding windows of \(windows.size) ms"
        }
    }

    // MARK: - Encoding

    var encoded: [UInt8] {
        JSONSerializer.serialize(.object(["writer": .string(writer), "feeding": .array(feeding.map(JSONValue.string))]))
    }

    init?(encoded bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes), let writer = value["writer"]?.stringValue,
              let feeding = value["feeding"]?.arrayValue?.compactMap(\.stringValue)
        else { return nil }
        self.init(writer: writer, feeding: feeding)
    }
}
