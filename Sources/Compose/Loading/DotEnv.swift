/// A syntax problem in a `.env` file, with its 1-based line.
struct DotEnvError: Error, Equatable {
    var line: Int
    var message: String
}

/// docker compose's dotenv dialect: `#` comments, `export `, `KEY=value`, `KEY: value`, single quotes (raw),
/// double quotes (escapes, may span lines), ` #` comments after plain values, `${VAR}` from the shell or
/// earlier lines, and a bare `KEY` that copies the shell's value when it has one.
struct DotEnvParser {
    /// Resolves `${VAR}` and bare keys; compose looks in the shell first, then in values read so far.
    var lookup: (String) -> String?

    func parse(_ text: String) throws(DotEnvError) -> [(key: String, value: String)] {
        var scanner = Scanner(bytes: Array(text.utf8))
        var entries: [(key: String, value: String)] = []
        var seen: [String: String] = [:]
        let template = { (seen: [String: String]) in
            Template(lookup: { name in lookup(name) ?? seen[name] })
        }
        while scanner.skipBlankAndComments() {
            if scanner.consumeExport() { scanner.skipSpaces() }
            let keyLine = scanner.line
            let (key, terminator) = try scanner.readKey()
            if key.contains(" ") { throw DotEnvError(line: keyLine, message: "key cannot contain a space") }
            if terminator == nil {
                if let value = lookup(key) ?? seen[key] {
                    entries.append((key, value))
                    seen[key] = value
                }
                continue
            }
            scanner.skipSpaces()
            let raw = try scanner.readValue()
            let value: String
            do {
                value = raw.expand ? try template(seen).substitute(raw.text) : raw.text
            } catch {
                throw DotEnvError(line: keyLine, message: error.message)
            }
            entries.append((key, value))
            seen[key] = value
        }
        return entries
    }

    /// `format: raw` env files: `KEY=VALUE` per line taken literally.
    static func parseRaw(_ text: String) -> [(key: String, value: String)] {
        text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { return nil }
            return (String(trimmed[..<equals]), String(trimmed[trimmed.index(after: equals)...]))
        }
    }
}

private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    var line = 1

    init(bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8 { bytes[index] }

    mutating func advance() {
        if bytes[index] == newline { line += 1 }
        index += 1
    }

    /// Moves to the next statement; false at the end of the file.
    mutating func skipBlankAndComments() -> Bool {
        while !atEnd {
            if isSpace(current) || current == newline {
                advance()
            } else if current == UInt8(ascii: "#") {
                while !atEnd && current != newline { advance() }
            } else {
                return true
            }
        }
        return false
    }

    mutating func skipSpaces() {
        while !atEnd && isSpace(current) { advance() }
    }

    mutating func consumeExport() -> Bool {
        let word = Array("export".utf8)
        guard index + word.count < bytes.count, Array(bytes[index..<(index + word.count)]) == word,
              isSpace(bytes[index + word.count]) else { return false }
        index += word.count
        return true
    }

    /// The key and what ended it (`=` or `:`), or nil terminator for a bare key ending the line.
    mutating func readKey() throws(DotEnvError) -> (String, UInt8?) {
        let start = index
        while !atEnd {
            let byte = current
            if byte == UInt8(ascii: "=") || byte == UInt8(ascii: ":") || byte == newline {
                let key = text(start, index).trimmingTrailingSpaces()
                advance()
                return (key, byte == newline ? nil : byte)
            }
            if !(isSpace(byte) || isKeyByte(byte)) {
                let lineEnd = bytes[start...].firstIndex(of: newline) ?? bytes.count
                let character = String(decoding: bytes[index..<min(index + utf8Length(byte), bytes.count)], as: UTF8.self)
                throw DotEnvError(line: line, message: "unexpected character \"\(character)\" in variable name \"\(text(start, lineEnd))\"")
            }
            advance()
        }
        return (text(start, index).trimmingTrailingSpaces(), nil)
    }

    /// The value after `=`; `expand` says whether `${VAR}` applies (not inside single quotes).
    mutating func readValue() throws(DotEnvError) -> (text: String, expand: Bool) {
        guard !atEnd, current == singleQuote || current == doubleQuote else {
            let start = index
            while !atEnd && current != newline { advance() }
            var value = text(start, index)
            if let comment = value.firstRange(of: " #") { value = String(value[..<comment.lowerBound]) }
            return (value.trimmingTrailingSpaces(), true)
        }
        let quote = current
        let startLine = line
        let lineEnd = bytes[index...].firstIndex(of: newline) ?? bytes.count
        let opening = text(index, lineEnd)
        advance()
        var chars: [UInt8] = []
        var escaped = false
        while !atEnd {
            let byte = current
            advance()
            if byte == quote && !escaped {
                let value = String(decoding: chars, as: UTF8.self)
                return quote == doubleQuote ? (Self.unescape(value), true) : (value, false)
            }
            if byte == UInt8(ascii: "\\") && !escaped {
                escaped = true
                continue
            }
            if escaped && byte != quote { chars.append(UInt8(ascii: "\\")) }
            escaped = false
            chars.append(byte)
        }
        throw DotEnvError(line: startLine, message: "unterminated quoted value \(opening)")
    }

    /// Backslash escapes inside double quotes; `\$` stays a literal dollar through interpolation.
    static func unescape(_ value: String) -> String {
        guard value.contains("\\") else { return value }
        var out = ""
        var iterator = value.makeIterator()
        while let character = iterator.next() {
            guard character == "\\", let next = iterator.next() else {
                out.append(character)
                continue
            }
            switch next {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "\\": out.append("\\")
            case "\"": out.append("\"")
            case "$": out.append("$$")
            default: out.append("\\"); out.append(next)
            }
        }
        return out
    }

    func text(_ start: Int, _ end: Int) -> String { String(decoding: bytes[start..<end], as: UTF8.self) }

    func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == 0x0B || byte == 0x0C
    }

    /// Letters and digits (any script), `_ . - [ ]`.
    func isKeyByte(_ byte: UInt8) -> Bool {
        if byte >= 0x80 { return true }
        let scalar = Unicode.Scalar(byte)
        return scalar.properties.isAlphabetic || (byte >= 0x30 && byte <= 0x39) || "_.-[]".unicodeScalars.contains(scalar)
    }

    func utf8Length(_ lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    let newline = UInt8(ascii: "\n")
    let singleQuote = UInt8(ascii: "'")
    let doubleQuote = UInt8(ascii: "\"")
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var result = Substring(self)
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result.removeLast() }
        return String(result)
    }
}
