import Foundation
import Testing
import TextClassification
import TributaryTestSupport

/// The classifier on examples small enough to reason about by hand, and the shipped support models on
/// the held-out inquiries (written and committed before any training data).
@Suite("Text classification")
struct TextClassifierTests {
    @Test func wordsAreFoldedAndNumbersGeneralised() {
        #expect(TextFeatures.words(of: "Où est ma COMMANDE #1043?!") == ["ou", "est", "ma", "commande", "#"])
        let features = TextFeatures(bigrams: true, characterGrams: [4]).features(of: "my order")
        #expect(features == ["w:my", "w:order", "b:my_order", "c:^ord", "c:orde", "c:rder", "c:der$"], "words shorter than 3 letters give no n-grams")
    }

    @Test func theLabelWhoseWordsTheTextSharesWinsWithAProbability() {
        let classifier = NaiveBayesClassifier(training: [
            ("where is my parcel", "tracking"), ("parcel not arrived yet where is it", "tracking"),
            ("I want my money back", "refund"), ("refund my money please", "refund"),
        ])
        let parcel = classifier.classify("wheres my parcel??")
        #expect(parcel.label == "tracking")
        #expect(parcel.confidence > 0.5 && parcel.confidence <= 1)
        #expect(classifier.classify("money back now").label == "refund")
        #expect(classifier.classify("refnd my mony").label == "refund", "character n-grams carry typos")
    }

    @Test func softmaxRegressionLearnsTheSameSmallDistinctionsReproducibly() {
        let examples: [(text: String, label: String)] = [
            ("where is my parcel", "tracking"), ("parcel not arrived yet where is it", "tracking"), ("tracking number please", "tracking"),
            ("I want my money back", "refund"), ("refund my money please", "refund"), ("still no refund for my return", "refund"),
        ]
        let classifier = SoftmaxRegressionClassifier(training: examples)
        #expect(classifier.classify("wheres my parcel??").label == "tracking")
        #expect(classifier.classify("money back now").label == "refund")
        let again = SoftmaxRegressionClassifier(training: examples)
        #expect(again.classify("where is my refund") == classifier.classify("where is my refund"), "same data, same model")
    }

    @Test func aSavedModelClassifiesAsTheTrainedOne() throws {
        let classifier = NaiveBayesClassifier(training: [("cancel my order", "cancellation"), ("size of the shoe", "product_question")])
        let temporary = TemporaryDirectory("model")
        let path = temporary.appending("model.json")
        try TextClassifier.naiveBayes(classifier).save(to: path)
        let loaded = try TextClassifier.load(from: path)
        #expect(loaded.classify("please cancel it") == classifier.classify("please cancel it"))
    }

    @Test func theEvaluationCountsTheConfusionMatrix() {
        let classifier = NaiveBayesClassifier(training: [("red apple", "fruit"), ("green car", "vehicle")])
        let evaluation = ClassifierEvaluation(classifier: .naiveBayes(classifier), examples: [("apple", "fruit"), ("car", "vehicle"), ("red car apple apple", "vehicle")])
        #expect(evaluation.correct == 2 && evaluation.total == 3)
        #expect(evaluation.matrix["vehicle"]?["fruit"] == 1)
        #expect(evaluation.recall(of: "vehicle") == 0.5)
        #expect(evaluation.markdown.hasPrefix("Accuracy: 2 of 3 = 66.7%"))
    }
}
