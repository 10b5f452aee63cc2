/// Reads and writes keys and values in a ``RecordFormat``.
enum RecordCodec {
    /// Decodes bytes as `format`; a null key or value is JSON `null` in every format.
    static func decode(_ bytes: [UInt8]?, as format: RecordFormat) throws(RecordCodecError) -> JSONValue {
        guard let bytes else { return .null }
        switch format {
        case .json:
            do {
                return try JSONValue(parsing: bytes)
            } catch {
                throw RecordCodecError(message: "not valid JSON: \(error)")
            }
        case .string:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw RecordCodecError(message: "not valid UTF-8 text")
            }
            return .string(text)
        case .bytes:
            return .string(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Encodes `value` as `format`, reusing the bytes it arrived with when they are in the same format.
    static func encode(_ value: JSONValue, arrived: EncodedBytes?, as format: RecordFormat) -> [UInt8]? {
        if let arrived, arrived.format == format || format == .bytes { return arrived.bytes }
        switch (value, format) {
        case (.null, _): return nil
        case (.string(let text), .string), (.string(let text), .bytes): return Array(text.utf8)
        case (_, .json): return value.jsonBytes
        // A number or structure written as text is written as its JSON text.
        case (_, .string), (_, .bytes): return value.jsonBytes
        }
    }
}

/// A key or value that cannot be read in its declared format.
struct RecordCodecError: Error, Sendable {
    var message: String
}

extension RecordFormat {
    /// `value` written in this format (`nil` for null): how test inputs become record bytes.
    public func encode(_ value: JSONValue) -> [UInt8]? {
        RecordCodec.encode(value, arrived: nil, as: self)
    }

    /// `bytes` read in this format.
    ///
    /// - Throws: a description of why the bytes are not valid in this format.
    public func decode(_ bytes: [UInt8]?) throws -> JSONValue {
        do {
            return try RecordCodec.decode(bytes, as: self)
        } catch {
            throw StepFailure(.undecodable, error.message)
        }
    }
}
