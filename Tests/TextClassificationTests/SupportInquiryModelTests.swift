import Foundation
import Testing
import TextClassification

/// The support inquiries' intent model, trained with the default settings on the training files and
/// evaluated on the held-out file (committed before any training data or tuning): the figures in
/// docs/SHOP.md, kept from regressing.
@Suite("Support inquiry models")
struct SupportInquiryModelTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("topologies/support").path

    func evaluate(label: String) throws -> ClassifierEvaluation {
        let fields = ["subject", "message"]
        let training = try ["inquiries-train.jsonl", "inquiries-train-2.jsonl"].flatMap {
            try LabelledExamples.read("\(Self.directory)/\($0)", textFields: fields, labelField: label)
        }
        let heldOut = try LabelledExamples.read("\(Self.directory)/inquiries-heldout.jsonl", textFields: fields, labelField: label)
        #expect(training.count >= 700 && heldOut.count >= 120)
        return ClassifierEvaluation(classifier: TextClassifier(training: training), examples: heldOut)
    }

    @Test func theIntentModelIsRightOnAtLeast90PercentOfHeldOutInquiries() throws {
        let evaluation = try evaluate(label: "intent")
        #expect(evaluation.accuracy >= 0.9, "\(evaluation.markdown)")
        #expect(evaluation.labels.count == 9)
    }

    @Test func theUrgencyModelFindsMostUrgentInquiries() throws {
        let evaluation = try evaluate(label: "urgency")
        #expect(evaluation.accuracy >= 0.8, "\(evaluation.markdown)")
        #expect(evaluation.recall(of: "high") >= 0.6, "\(evaluation.markdown)")
    }
}
