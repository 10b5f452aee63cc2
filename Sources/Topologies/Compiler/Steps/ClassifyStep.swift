import Foundation
import StreamCore
import TextClassification

extension TopologyCompiler.Context {
    /// `classify` — loads the model (a path relative to the topology file) once, then sets
    /// `value.INTO` and `value.INTO_confidence` on each record; a value that is not an object is
    /// dead-lettered.
    mutating func compileClassify(_ step: StepDefinition, model: Located<String>, text: ExpressionText, into: Located<String>, on stream: KStream) -> KStream? {
        let directory = URL(fileURLWithPath: definition.file).deletingLastPathComponent()
        let path = model.value.hasPrefix("/") ? model.value : directory.appendingPathComponent(model.value).path
        let classifier: TextClassifier
        do {
            classifier = try TextClassifier.load(from: path)
        } catch {
            diagnostics.append(TopologyDiagnostic("cannot read the classifier model '\(path)' (train one with 'runner classifier train'): \(error.localizedDescription)", at: model.location))
            return nil
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
