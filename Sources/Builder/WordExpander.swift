/// Docker's word processing for the instructions it expands (FROM, COPY, ADD, ENV, ARG, LABEL, WORKDIR, USER,
/// EXPOSE, VOLUME, STOPSIGNAL): quotes removed, `$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR-x}`, `${VAR:+x}`,
/// `${VAR+x}` replaced; the escape character keeps the next character literal. Expanded values are not re-split.
struct WordExpander {
    let variables: [String: String]
    var escape: Character = "\\"

    enum Failure: Error, Equatable {
        case unterminatedQuote
        case badSubstitution(String)
    }

    /// Splits at unquoted whitespace.
    func words(_ text: String) throws(Failure) -> [String] {
        try process(Array(text), split: true)
    }

    /// The whole text as one word.
    func word(_ text: String) throws(Failure) -> String {
        try process(Array(text), split: false).first ?? ""
    }

    private func process(_ chars: [Character], split: Bool) throws(Failure) -> [String] {
        var words: [String] = []
        var current = ""
        var started = false
        var index = 0
        while index < chars.count {
            let char = chars[index]
            if char == escape {
                index += 1
                if index < chars.count { current.append(chars[index]) } else { current.append(char) }
                started = true
            } else if char == "'" {
                guard let end = chars[(index + 1)...].firstIndex(of: "'") else { throw .unterminatedQuote }
                current += String(chars[(index + 1)..<end])
                index = end
                started = true
            } else if char == "\"" {
                index += 1
                while index < chars.count && chars[index] != "\"" {
                    if chars[index] == escape, index + 1 < chars.count, ["\"", "$", escape].contains(chars[index + 1]) {
                        index += 1
                        current.append(chars[index])
                    } else if chars[index] == "$" {
                        current += try substitution(chars, at: &index)
                        continue
                    } else {
                        current.append(chars[index])
                    }
                    index += 1
                }
                guard index < chars.count else { throw .unterminatedQuote }
                started = true
            } else if char == "$" {
                current += try substitution(chars, at: &index)
                started = true
                continue
            } else if split && char.isWhitespace {
                if started { words.append(current) }
                current = ""
                started = false
            } else {
                current.append(char)
                started = true
            }
            index += 1
        }
        if started || !split { words.append(current) }
        return words
    }

    /// Reads `$NAME` or `${...}` at `index` (a `$`) and leaves `index` after it.
    private func substitution(_ chars: [Character], at index: inout Int) throws(Failure) -> String {
        index += 1
        guard index < chars.count else { return "$" }
        if chars[index] != "{" {
            let start = index
            while index < chars.count, chars[index] == "_" || chars[index].isLetter || chars[index].isNumber && index > start {
                index += 1
            }
            guard index > start else { return "$" }
            return variables[String(chars[start..<index])] ?? ""
        }
        // Find the matching brace; modifier words may themselves hold ${...}.
        var depth = 1
        var end = index + 1
        while end < chars.count {
            if chars[end] == "{" { depth += 1 } else if chars[end] == "}" {
                depth -= 1
                if depth == 0 { break }
            }
            end += 1
        }
        let body = String(chars[(index + 1)..<min(end, chars.count)])
        guard end < chars.count else { throw .badSubstitution("${" + body) }
        index = end + 1
        let nameEnd = body.firstIndex { !($0 == "_" || $0.isLetter || $0.isNumber) } ?? body.endIndex
        let name = String(body[..<nameEnd])
        guard !name.isEmpty else { throw .badSubstitution("${\(body)}") }
        let modifier = body[nameEnd...]
        let value = variables[name]
        for (op, whenSet) in [(":-", false), (":+", true), ("-", false), ("+", true)] where modifier.hasPrefix(op) {
            let word = try self.word(String(modifier.dropFirst(op.count)))
            let isSet = op.hasPrefix(":") ? !(value ?? "").isEmpty : value != nil
            return whenSet ? (isSet ? word : "") : (isSet ? value ?? "" : word)
        }
        guard modifier.isEmpty else { throw .badSubstitution("${\(body)}") }
        return value ?? ""
    }
}
