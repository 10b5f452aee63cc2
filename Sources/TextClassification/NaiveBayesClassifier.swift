import Foundation

/// A multinomial naive Bayes text classifier with Laplace smoothing: small, fast, explainable, and
/// trained in a blink from a few hundred labelled examples.
public struct NaiveBayesClassifier: Sendable, Codable {
    /// One label's counts.
    public struct LabelCounts: Sendable, Codable {
        /// Training examples with this label.
        public var documents: Int
        /// Feature occurrences in them.
        public var total: Int
        public var counts: [String: Int]
    }

    public var features: TextFeatures
    /// The smoothing added to every count.
    public var alpha: Double
    public var labels: [String: LabelCounts]
    public var vocabularySize: Int

    /// Learns from `examples` (text, label).
    public init(training examples: [(text: String, label: String)], features: TextFeatures = TextFeatures(), alpha: Double = 0.5) {
        self.features = features
        self.alpha = alpha
        var labels: [String: LabelCounts] = [:]
        var vocabulary = Set<String>()
        for example in examples {
            var counts = labels[example.label] ?? LabelCounts(documents: 0, total: 0, counts: [:])
            counts.documents += 1
            for feature in features.features(of: example.text) {
                counts.counts[feature, default: 0] += 1
                counts.total += 1
                vocabulary.insert(feature)
            }
            labels[example.label] = counts
        }
        self.labels = labels
        vocabularySize = vocabulary.count
    }

    /// The most likely label of `text`; ties go to the label that sorts first.
    public func classify(_ text: String) -> Classification {
        let found = features.features(of: text)
        let documents = Double(labels.values.reduce(0) { $0 + $1.documents })
        var scores: [(label: String, logProbability: Double)] = labels.sorted { $0.key < $1.key }.map { label, counts in
            let denominator = log(Double(counts.total) + alpha * Double(vocabularySize))
            var score = log(Double(counts.documents) / documents)
            for feature in found { score += log(Double(counts.counts[feature] ?? 0) + alpha) - denominator }
            return (label, score)
        }
        guard let best = scores.max(by: { $0.logProbability < $1.logProbability || ($0.logProbability == $1.logProbability && $0.label > $1.label) }) else {
            return Classification(label: "", confidence: 0)
        }
        // Posterior by softmax over the log scores, shifted by the best for numerical safety.
        scores = scores.map { ($0.label, exp($0.logProbability - best.logProbability)) }
        let sum = scores.reduce(0) { $0 + $1.logProbability }
        return Classification(label: best.label, confidence: 1 / sum)
    }
}
