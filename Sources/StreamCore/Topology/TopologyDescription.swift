import Foundation

extension Topology {
    /// The graph as indented text: each node with its kind and where its records go, then the topics.
    public func describe() -> String {
        var lines = ["Topology \(applicationID)"]
        var printed: Set<TopologyNode.ID> = []
        func visit(_ id: TopologyNode.ID, depth: Int) {
            let node = nodes[id]
            let indent = String(repeating: "  ", count: depth + 2)
            let again = !printed.insert(id).inserted
            lines.append("\(indent)\(node.name) [\(label(of: node))]" + (again ? " (see above)" : ""))
            if !again { node.children.forEach { visit($0, depth: depth + 1) } }
        }
        for subtopology in subtopologies {
            lines.append("  Sub-topology \(subtopology.id) (one task per partition of \(subtopology.sourceTopics.joined(separator: ", "))):")
            for topic in subtopology.sourceTopics { visit(sourceNodeByTopic[topic]!, depth: 0) }
            for node in nodes {
                if case .punctuation(let punctuation) = node.operation, subtopology.stores.contains(punctuation.store) { visit(node.id, depth: 0) }
            }
            for store in subtopology.stores { lines.append("    store \(store), changelog \(changelogTopic(of: store))") }
        }
        lines.append("  Topics read: \(sourceTopics.joined(separator: ", "))")
        lines.append("  Topics written: \(sinkTopics.joined(separator: ", "))")
        if !feedbackTopics.isEmpty {
            lines.append("  Feedback topics (written and read back, applied once each): \(feedbackTopics.joined(separator: ", "))")
        }
        lines.append("  Dead letters: \(deadLetterTopic)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The graph in Graphviz DOT: topics as ellipses, nodes as boxes, edges in record flow order.
    public func describeAsDOT() -> String {
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = ["digraph \(quoted(applicationID)) {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];"]
        for topic in Set(sourceTopics + sinkTopics + [deadLetterTopic]).sorted() {
            lines.append("  \(quoted("topic:" + topic)) [label=\(quoted(topic)), shape=ellipse, style=filled, fillcolor=\"#e8f0fe\"];")
        }
        for node in nodes {
            lines.append("  \(quoted(node.name)) [label=\(quoted("\(node.name)\\n\(node.operation.kind)"))];")
            switch node.operation {
            case .source(let topic, _, _, _), .repartitionSource(let topic): lines.append("  \(quoted("topic:" + topic)) -> \(quoted(node.name));")
            case .sink(let topic, _, _), .repartitionSink(let topic): lines.append("  \(quoted(node.name)) -> \(quoted("topic:" + topic));")
            default: break
            }
            for child in node.children { lines.append("  \(quoted(node.name)) -> \(quoted(nodes[child].name));") }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private func label(of node: TopologyNode) -> String {
        switch node.operation {
        case .source(let topic, let keyFormat, let valueFormat, let eventTime):
            "source: topic \(topic), key \(keyFormat.rawValue), value \(valueFormat.rawValue)" + (eventTime == nil ? "" : ", event time")
        case .sink(let topic, let keyFormat, let valueFormat):
            "sink: topic \(topic), key \(keyFormat.rawValue), value \(valueFormat.rawValue)"
        case .branch(_, let names, let hasDefault):
            "branch: \((names + (hasDefault ? ["default"] : [])).joined(separator: ", "))"
        case .require(_, let reason):
            "require: else dead-letter (\(reason))"
        case .repartitionSink(let topic):
            "repartition: by key through topic \(topic)"
        case .repartitionSource(let topic):
            "source: repartition topic \(topic)"
        case .aggregate(let aggregation):
            "\(node.operation.kind): store \(aggregation.store)" + (aggregation.windows.map { ", \($0)" } ?? "") + ", emit \(aggregation.emit.rawValue)"
        case .toTable(let store):
            "to-table: store \(store)"
        case .streamStreamJoin(let join, let side):
            "\(node.operation.kind): other side within \(join.before) ms before and \(join.after) ms after, grace \(join.grace) ms, store \(join.store(of: side))"
        case .tableTableJoin(let join, _):
            "\(node.operation.kind): tables \(join.leftStore) and \(join.rightStore)"
        case .globalTableJoin(let join):
            "\(node.operation.kind): global table store \(join.store)"
        case .punctuation(let punctuation):
            "punctuation: every \(punctuation.interval) ms of \(punctuation.clock == .wallClock ? "wall-clock time" : "stream time"), each entry of store \(punctuation.store)"
        case .deduplicate(let deduplication):
            "deduplicate: store \(deduplication.store), ids remembered \(deduplication.within) ms of event time"
        case .timers(let schedule):
            "timers: store \(schedule.store), fire \(schedule.delay) ms of event time after they start"
        case .streamTableJoin(let join):
            "\(node.operation.kind): table store \(join.store)"
        case .foreignKeySubscription(let join):
            "\(node.operation.kind): subscriptions in store \(join.subscriptionStore), right rows in store \(join.rightStore)"
        case .foreignKeyRightUpdate(let join):
            "\(node.operation.kind): answers the subscriptions in store \(join.subscriptionStore)"
        case .foreignKeyResponse(let join):
            "\(node.operation.kind): left rows in store \(join.leftStore)"
        default:
            node.operation.kind
        }
    }
}
