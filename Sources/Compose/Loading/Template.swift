/// Why a `${...}` expression could not be expanded.
enum TemplateError: Error, Equatable {
    case invalid(String)
    case missingRequired(variable: String, reason: String)

    var message: String {
        switch self {
        case .invalid(let text):
            return "invalid interpolation format in \"\(text)\": you may need to escape any $ with another $"
        case .missingRequired(let variable, let reason):
            let base = "required variable \(variable) is missing a value"
            return reason.isEmpty ? base : "\(base): \(reason)"
        }
    }
}

/// Compose's variable syntax: `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`,
/// `${VAR:+a}`, `${VAR+a}` (arguments may nest) and `$$` for a literal `$`.
struct Template {
    /// Returns the value of a variable, nil when unset.
    var lookup: (String) -> String?
    /// Told about each variable that was unset and had no default, as compose warns.
    var unset: (String) -> Void = { _ in }

    func substitute(_ text: String) throws(TemplateError) -> String {
        guard text.utf8.contains(Self.dollar) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == Self.dollar, index + 1 < bytes.count else {
                out.append(byte)
                index += 1
                continue
            }
            let next = bytes[index + 1]
            if next == Self.dollar {
                out.append(Self.dollar)
                index += 2
            } else if Self.isNameStart(next) {
                var end = index + 1
                while end < bytes.count && Self.isNameByte(bytes[end]) { end += 1 }
                out += value(of: String(decoding: bytes[(index + 1)..<end], as: UTF8.self)).utf8
                index = end
            } else if next == Self.openBrace {
                guard let close = Self.closingBrace(bytes, from: index + 1) else { throw .invalid(text) }
                out += try expand(String(decoding: bytes[(index + 2)..<close], as: UTF8.self), in: text).utf8
                index = close + 1
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func value(of name: String) -> String {
        if let value = lookup(name) { return value }
        unset(name)
        return ""
    }

    /// The inside of `${...}`: a name, then optionally an operator and its argument.
    private func expand(_ body: String, in text: String) throws(TemplateError) -> String {
        let nameEnd = body.utf8.firstIndex(where: { !Self.isNameByte($0) }) ?? body.utf8.endIndex
        let name = String(body[..<nameEnd])
        guard let first = name.utf8.first, Self.isNameStart(first) else { throw .invalid(text) }
        let rest = body[nameEnd...]
        if rest.isEmpty { return value(of: name) }
        let current = lookup(name)
        for (op, apply) in Self.operators where rest.hasPrefix(op) {
            let argument = String(rest.dropFirst(op.count))
            switch apply {
            case .defaultWhenUnset(let orEmpty):
                if let current, !(orEmpty && current.isEmpty) { return current }
                return try substitute(argument)
            case .alternateWhenSet(let andNotEmpty):
                if let current, !(andNotEmpty && current.isEmpty) { return try substitute(argument) }
                return current ?? ""
            case .requireSet(let andNotEmpty):
                if let current, !(andNotEmpty && current.isEmpty) { return current }
                throw .missingRequired(variable: name, reason: try substitute(argument))
            }
        }
        throw .invalid(text)
    }

    private enum Operator {
        case defaultWhenUnset(orEmpty: Bool)
        case alternateWhenSet(andNotEmpty: Bool)
        case requireSet(andNotEmpty: Bool)
    }

    /// Two-character forms first so `:-` is not read as `:` + `-`.
    private static let operators: [(String, Operator)] = [
        (":-", .defaultWhenUnset(orEmpty: true)), ("-", .defaultWhenUnset(orEmpty: false)),
        (":+", .alternateWhenSet(andNotEmpty: true)), ("+", .alternateWhenSet(andNotEmpty: false)),
        (":?", .requireSet(andNotEmpty: true)), ("?", .requireSet(andNotEmpty: false)),
    ]

    private static let dollar = UInt8(ascii: "$")
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")

    private static func isNameStart(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= 0x30 && byte <= 0x39)
    }

    /// The `}` that closes the brace at `open`, counting nested `${...}`.
    private static func closingBrace(_ bytes: [UInt8], from open: Int) -> Int? {
        var depth = 0
        var index = open
        while index < bytes.count {
            if bytes[index] == closeBrace {
                depth -= 1
                if depth == 0 { return index }
            } else if bytes[index] == openBrace {
                depth += 1
            }
            index += 1
        }
        return nil
    }
}
