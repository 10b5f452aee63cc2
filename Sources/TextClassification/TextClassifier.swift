import Foundation

/// A classification: the most likely label and its probability, 0...1.
public struct Classification: Sendable, Equatable {
    public var label: String
    public var confidence: Double

    public init(label: String, confidence: Double) {
        self.label = label
        self.confidence = confidence
    }
}

/// A trained text classifier as a model file holds it: the algorithm and its parameters.
public enum TextClassifier: Sendable, Codable {
    case naiveBayes(NaiveBayesClassifier)
    case softmaxRegression(SoftmaxRegressionClassifier)

    /// The algorithms, as `runner classifier train --algorithm` names them.
    public enum Algorithm: String, Sendable, CaseIterable {
        case naiveBayes = "naive-bayes"
        case softmax
    }

    /// Trains `algorithm` on `examples`; the defaults are the settings cross-validation chose for the
    /// support inquiries (docs/SHOP.md), and what `runner classifier train` and `classify` use.
    public init(_ algorithm: Algorithm = .softmax, training examples: [(text: String, label: String)], features: TextFeatures = TextFeatures(), alpha: Double = 0.5) {
        switch algorithm {
        case .naiveBayes: self = .naiveBayes(NaiveBayesClassifier(training: examples, features: features, alpha: alpha))
        case .softmax: self = .softmaxRegression(SoftmaxRegressionClassifier(training: examples, features: features))
        }
    }

    public func classify(_ text: String) -> Classification {
        switch self {
        case .naiveBayes(let classifier): classifier.classify(text)
        case .softmaxRegression(let classifier): classifier.classify(text)
        }
    }

    /// The labels it can give, sorted.
    public var labels: [String] {
        switch self {
        case .naiveBayes(let classifier): classifier.labels.keys.sorted()
        case .softmaxRegression(let classifier): classifier.labels
        }
    }

    /// Reads a model written by ``save(to:)``.
    public static func load(from path: String) throws -> TextClassifier {
        try JSONDecoder().decode(TextClassifier.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Writes the model as JSON, keys sorted so that the same training gives the same file.
    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
