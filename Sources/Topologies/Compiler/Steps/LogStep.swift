import Logging
import StreamCore

extension TopologyCompiler.Context {
    /// `log` (alias `peek`) — logs each record (or the `message` expression) and passes it on.
    func compileLog(_ step: StepDefinition, message: ExpressionText?, level: String, on stream: KStream) -> KStream {
        let logger = logger
        let level = Logger.Level(rawValue: level) ?? .info
        let evaluator = message.map(RecordEvaluator.init)
        let node = step.name
        return stream.peek(node) { record in
            let text: String
            if let evaluator {
                // A log line must never dead-letter a record: a failing message logs as null.
                let value = (try? evaluator.evaluate(record)) ?? .null
                text = value.stringValue ?? value.jsonString
            } else {
                text = "key=\(record.key.jsonString) value=\(record.value.jsonString)"
            }
            logger.log(level: level, "\(text)", metadata: ["node": "\(node)", "origin": "\(record.origin)"])
        }
    }
}
