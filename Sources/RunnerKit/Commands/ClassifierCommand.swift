import ArgumentParser
import Foundation
import TextClassification

/// `runner classifier train|evaluate`: text classifiers for the `classify` step, trained from
/// labelled JSON Lines and evaluated on examples they were not trained on.
struct ClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Train and evaluate text classifiers for the classify step.",
        subcommands: [Train.self, Evaluate.self, CrossValidate.self]
    )

    /// The model's settings: which features, how much smoothing.
    struct ModelOptions: ParsableArguments {
        @Option(help: "softmax (multinomial logistic regression) or naive-bayes.")
        var algorithm: String = TextClassifier.Algorithm.softmax.rawValue

        @Option(help: "naive-bayes: Laplace smoothing added to every count.")
        var alpha: Double = 0.5

        @Option(help: "Character n-gram lengths taken from each word, comma-separated ('' for none).")
        var charGrams: String = TextFeatures().characterGrams.map(String.init).joined(separator: ",")

        @Flag(help: "Leave out pairs of neighbouring words.")
        var noBigrams = false

        var features: TextFeatures {
            TextFeatures(bigrams: !noBigrams, characterGrams: charGrams.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        }

        func validate() throws {
            guard TextClassifier.Algorithm(rawValue: algorithm) != nil else {
                throw ValidationError("unknown algorithm '\(algorithm)'; expected one of: \(TextClassifier.Algorithm.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func train(_ examples: [(text: String, label: String)]) -> TextClassifier {
            TextClassifier(TextClassifier.Algorithm(rawValue: algorithm)!, training: examples, features: features, alpha: alpha)
        }
    }

    /// Where the examples are and which fields hold text and label.
    struct ExampleOptions: ParsableArguments {
        @Option(help: "Labelled examples, JSON Lines (one object per line).")
        var data: String

        @Option(name: .customLong("text"), help: "A field holding text (repeatable; joined with a space).")
        var textFields: [String] = ["text"]

        @Option(name: .customLong("label"), help: "The field holding the label.")
        var labelField: String = "label"

        func examples() throws -> [(text: String, label: String)] {
            try LabelledExamples.read(data, textFields: textFields, labelField: labelField)
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Train a naive Bayes classifier and write it as JSON.")

        @OptionGroup var examples: ExampleOptions
        @OptionGroup var model: ModelOptions

        @Option(help: "Where to write the model.")
        var out: String

        func run() throws {
            let training = try examples.examples()
            let classifier = model.train(training)
            try classifier.save(to: out)
            print("trained \(model.algorithm) on \(training.count) examples, \(classifier.labels.count) labels: \(out)")
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a model's accuracy and confusion matrix on labelled examples (Markdown).")

        @OptionGroup var examples: ExampleOptions

        @Option(help: "The model to evaluate.")
        var model: String

        func run() throws {
            let evaluation = ClassifierEvaluation(classifier: try TextClassifier.load(from: model), examples: try examples.examples())
            print(evaluation.markdown)
        }
    }

    /// k-fold cross-validation on training data: for choosing settings without looking at held-out data.
    struct CrossValidate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cross-validate", abstract: "Print the k-fold cross-validated accuracy of a model's settings on training data.")

        @OptionGroup var examples: ExampleOptions
        @OptionGroup var model: ModelOptions

        @Option(help: "Number of folds; example i is in fold i mod k.")
        var folds: Int = 5

        func run() throws {
            let all = try examples.examples()
            var correct = 0
            for fold in 0..<folds {
                let training = all.enumerated().filter { $0.offset % folds != fold }.map(\.element)
                let testing = all.enumerated().filter { $0.offset % folds == fold }.map(\.element)
                correct += ClassifierEvaluation(classifier: model.train(training), examples: testing).correct
            }
            print(String(format: "%d-fold cross-validated accuracy: %d of %d = %.1f%%", folds, correct, all.count, Double(correct) / Double(all.count) * 100))
        }
    }
}
