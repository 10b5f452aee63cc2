import Foundation
import StreamCore

/// Multinomial logistic regression (softmax) over presence-of-feature vectors, trained by stochastic
/// gradient descent with L2 regularisation. Usually more accurate than naive Bayes on a few hundred
/// examples, because it weighs features against each other instead of counting them independently.
public struct SoftmaxRegressionClassifier: Sendable, Codable {
    public var features: TextFeatures
    /// The labels, in the order of every weight vector.
    public var labels: [String]
    /// Per feature, one weight per label.
    public var weights: [String: [Double]]
    public var bias: [Double]

    /// Learns from `examples` in `epochs` passes, each over the examples in a shuffled order that is
    /// the same on every run (so the same data gives the same model). Weights are kept to four
    /// decimals, and features whose weights all round to zero are left out of the model.
    public init(training examples: [(text: String, label: String)], features: TextFeatures = TextFeatures(), epochs: Int = 40, learningRate: Double = 0.5, l2: Double = 1e-4) {
        self.features = features
        labels = Array(Set(examples.map(\.label))).sorted()
        let labelCount = labels.count
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        // Features as dense indices, weights as one flat array: the training loop does no hashing.
        var vocabulary: [String: Int] = [:]
        let vectors: [[(index: Int, value: Double)]] = examples.map { example in
            Self.vector(features.features(of: example.text)).map { feature, value in
                if let index = vocabulary[feature] { return (index, value) }
                vocabulary[feature] = vocabulary.count
                return (vocabulary.count - 1, value)
            }
        }
        var flat = [Double](repeating: 0, count: vocabulary.count * labelCount)
        var bias = [Double](repeating: 0, count: labelCount)
        var order = Array(examples.indices)
        var random = SeededRandom(seed: 0x7472_6962_7574_6172)
        var scores = [Double](repeating: 0, count: labelCount)
        for epoch in 0..<epochs {
            order.shuffle(using: &random)
            let rate = learningRate / (1 + Double(epoch) * 0.1)
            for example in order {
                let vector = vectors[example]
                for label in 0..<labelCount { scores[label] = bias[label] }
                for (index, value) in vector {
                    for label in 0..<labelCount { scores[label] += flat[index * labelCount + label] * value }
                }
                let probabilities = Self.softmax(scores)
                let truth = labelIndex[examples[example].label]!
                for label in 0..<labelCount {
                    let gradient = probabilities[label] - (label == truth ? 1 : 0)
                    bias[label] -= rate * gradient
                    for (index, value) in vector {
                        let weight = index * labelCount + label
                        flat[weight] -= rate * (gradient * value + l2 * flat[weight])
                    }
                }
            }
        }
        var weights: [String: [Double]] = [:]
        for (feature, index) in vocabulary {
            let row = (0..<labelCount).map { (flat[index * labelCount + $0] * 10_000).rounded() / 10_000 }
            if row.contains(where: { $0 != 0 }) { weights[feature] = row }
        }
        self.weights = weights
        self.bias = bias.map { ($0 * 10_000).rounded() / 10_000 }
    }

    public func classify(_ text: String) -> Classification {
        let probabilities = Self.probabilities(Self.vector(features.features(of: text)), weights: weights, bias: bias, labelCount: labels.count)
        guard let best = probabilities.indices.max(by: { probabilities[$0] < probabilities[$1] }) else { return Classification(label: "", confidence: 0) }
        return Classification(label: labels[best], confidence: probabilities[best])
    }

    /// Each distinct feature once, scaled so that long texts do not outweigh short ones.
    private static func vector(_ features: [String]) -> [(String, Double)] {
        let distinct = Array(Set(features)).sorted()
        let scale = 1 / Double(max(distinct.count, 1)).squareRoot()
        return distinct.map { ($0, scale) }
    }

    private static func probabilities(_ vector: [(String, Double)], weights: [String: [Double]], bias: [Double], labelCount: Int) -> [Double] {
        var scores = bias
        for (feature, value) in vector {
            guard let row = weights[feature] else { continue }
            for label in 0..<labelCount { scores[label] += row[label] * value }
        }
        return softmax(scores)
    }

    private static func softmax(_ scores: [Double]) -> [Double] {
        let top = scores.max() ?? 0
        let exponentials = scores.map { exp($0 - top) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }
}
