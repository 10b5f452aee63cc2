import Foundation

/// Turns text into the features a classifier counts: folded words (lowercased, accents removed),
/// pairs of neighbouring words, and character n-grams of each word so that typos ("ordr", "whre")
/// still share most features with the word meant.
public struct TextFeatures: Sendable, Codable, Equatable {
    /// Word pairs ("where_is") as features.
    public var bigrams: Bool
    /// Lengths of character n-grams taken from each word (with `^`/`$` marking its ends); empty for none.
    public var characterGrams: [Int]

    public init(bigrams: Bool = true, characterGrams: [Int] = [3, 4, 5]) {
        self.bigrams = bigrams
        self.characterGrams = characterGrams
    }

    /// The words of `text`: letters and digits, folded, digits-only words as `#`.
    public static func words(of text: String) -> [String] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return folded.split { !$0.isLetter && !$0.isNumber }.map { word in
            word.allSatisfy(\.isNumber) ? "#" : String(word)
        }
    }

    /// Every feature of `text`, repeated as often as it occurs.
    public func features(of text: String) -> [String] {
        let words = Self.words(of: text)
        var features = words.map { "w:" + $0 }
        if bigrams, words.count > 1 {
            for index in 1..<words.count { features.append("b:" + words[index - 1] + "_" + words[index]) }
        }
        for length in characterGrams {
            for word in words where word.count >= length - 1 {
                let marked = Array("^" + word + "$")
                guard marked.count >= length else { continue }
                for start in 0...(marked.count - length) { features.append("c:" + String(marked[start..<(start + length)])) }
            }
        }
        return features
    }
}
