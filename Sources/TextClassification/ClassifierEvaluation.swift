import Foundation

/// How a classifier does on labelled examples it was not trained on: accuracy, and the confusion
/// matrix (rows: the true label, columns: the predicted one).
public struct ClassifierEvaluation: Sendable {
    public var labels: [String]
    /// `matrix[truth][predicted]`.
    public var matrix: [String: [String: Int]]
    public var total: Int
    public var correct: Int

    public init(classifier: TextClassifier, examples: [(text: String, label: String)]) {
        var matrix: [String: [String: Int]] = [:]
        var correct = 0
        for example in examples {
            let predicted = classifier.classify(example.text).label
            matrix[example.label, default: [:]][predicted, default: 0] += 1
            if predicted == example.label { correct += 1 }
        }
        labels = Set(classifier.labels).union(matrix.keys).sorted()
        self.matrix = matrix
        total = examples.count
        self.correct = correct
    }

    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Recall of `label`: the share of its examples predicted as it.
    public func recall(of label: String) -> Double {
        let row = matrix[label] ?? [:]
        let count = row.values.reduce(0, +)
        return count == 0 ? 0 : Double(row[label] ?? 0) / Double(count)
    }

    /// Accuracy, then the confusion matrix and per-label recall as a Markdown table.
    public var markdown: String {
        var lines = ["Accuracy: \(correct) of \(total) = \(String(format: "%.1f", accuracy * 100))%", ""]
        lines.append("| true \\ predicted | " + labels.joined(separator: " | ") + " | recall |")
        lines.append("|---|" + labels.map { _ in "---:" }.joined(separator: "|") + "|---:|")
        for truth in labels {
            let row = labels.map { String(matrix[truth]?[$0] ?? 0) }
            lines.append("| \(truth) | " + row.joined(separator: " | ") + " | \(String(format: "%.0f", recall(of: truth) * 100))% |")
        }
        return lines.joined(separator: "\n")
    }
}
