import ArgumentParser
import Foundation
import TextClassification

/// `runner classifier train|evaluate`: text classifiers for the `classify` step, trained from
/// labelled JSON Lines and evaluated on examples they were not trained on.
struct ClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Train and evaluate text classifiers for the classify step.",
        subcommands: [Train.self, Evaluate.self]
    )

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

        @Option(help: "Where to write the model.")
        var out: String

        func run() throws {
            let training = try examples.examples()
            let classifier = NaiveBayesClassifier(training: training)
            try classifier.save(to: out)
            print("trained on \(training.count) examples, \(classifier.labels.count) labels, \(classifier.vocabularySize) features: \(out)")
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a model's accuracy and confusion matrix on labelled examples (Markdown).")

        @OptionGroup var examples: ExampleOptions

        @Option(help: "The model to evaluate.")
        var model: String

        func run() throws {
            let evaluation = ClassifierEvaluation(classifier: try NaiveBayesClassifier.load(from: model), examples: try examples.examples())
            print(evaluation.markdown)
        }
    }
}
