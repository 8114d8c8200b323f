import FoundationEssentials

/// Codable through FoundationEssentials (never full Foundation); stored JSON uses sorted keys so digests are stable.
enum JSON {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], what: String) throws(ImageError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw .invalidFormat(what: what, reason: "malformed JSON: \(error)")
        }
    }

    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain Codable structs of strings and numbers cannot fail.
        return Array((try? encoder.encode(value)) ?? Data())
    }
}

enum Base64 {
    static func encode(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
    static func decode(_ text: String) -> String? {
        Data(base64Encoded: text).map { String(decoding: $0, as: UTF8.self) }
    }
}
