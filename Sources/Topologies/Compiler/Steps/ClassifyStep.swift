import Foundation
import StreamCore
import TextClassification

extension TopologyCompiler.Context {
    /// `classify` — loads or trains the classifier once (paths relative to the topology file), then
    /// sets `value.INTO` and `value.INTO_confidence` on each record; a value that is not an object is
    /// dead-lettered.
    mutating func compileClassify(_ step: StepDefinition, _ source: ClassifierSource, text: ExpressionText, into: Located<String>, on stream: KStream) -> KStream? {
        let directory = URL(fileURLWithPath: definition.file).deletingLastPathComponent()
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : directory.appendingPathComponent(path).path }
        let classifier: TextClassifier
        switch source {
        case .model(let model):
            do {
                classifier = try TextClassifier.load(from: resolve(model.value))
            } catch {
                diagnostics.append(TopologyDiagnostic("cannot read the classifier model '\(resolve(model.value))' (train one with 'runner classifier train'): \(error.localizedDescription)", at: model.location))
                return nil
            }
        case .training(let data, let textFields, let labelField):
            var examples: [(text: String, label: String)] = []
            for file in data {
                do {
                    examples += try LabelledExamples.read(resolve(file.value), textFields: textFields, labelField: labelField)
                } catch {
                    diagnostics.append(TopologyDiagnostic("cannot read the training data: \(error)", at: file.location))
                    return nil
                }
            }
            guard Set(examples.map(\.label)).count >= 2 else {
                diagnostics.append(TopologyDiagnostic(
                    "the training data holds \(examples.isEmpty ? "no labelled examples" : "examples of one label only"); a classifier needs examples of at least two labels",
                    at: data[0].location))
                return nil
            }
            classifier = TextClassifier(training: examples)
        }
        let evaluator = RecordEvaluator(text)
        let (labelField, confidenceField) = (into.value, into.value + "_confidence")
        return stream.transform(step.name, kind: "classify") { record in
            guard case .object(var fields) = record.value else {
                throw StepFailure(.expressionFailed, "classify adds '\(labelField)' to the value, which must be an object")
            }
            let input = try evaluator.evaluate(record)
            let prediction = classifier.classify(input.stringValue ?? (input.isNull ? "" : JSONSerializer.serializeToString(input)))
            fields[labelField] = .string(prediction.label)
            fields[confidenceField] = .double((prediction.confidence * 1000).rounded() / 1000)
            record.value = .object(fields)
        }
    }
}
