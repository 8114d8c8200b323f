import YAML

/// Writes normalised trees as JSON the way Go's encoding/json does (HTML-safe escapes; `MarshalIndent`
/// with two spaces, or compact).
enum JSONWriter {
    static func write(_ node: Node, indented: Bool) -> String {
        var out = ""
        write(node, level: 0, indented: indented, into: &out)
        return out
    }

    private static func write(_ node: Node, level: Int, indented: Bool, into out: inout String) {
        let newline = indented ? "\n" + String(repeating: "  ", count: level + 1) : ""
        let closing = indented ? "\n" + String(repeating: "  ", count: level) : ""
        switch node.kind {
        case .scalar(let value, let style):
            if style == .plain { out += value.isEmpty ? "null" : (value == "~" ? "null" : value) } else { out += quoted(value) }
        case .sequence(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                out += newline
                write(item, level: level + 1, indented: indented, into: &out)
            }
            out += closing + "]"
        case .mapping(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out += "," }
                out += newline + quoted(pair.key.scalar ?? "") + (indented ? ": " : ":")
                write(pair.value, level: level + 1, indented: indented, into: &out)
            }
            out += closing + "}"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}": out += unicodeEscape(scalar.value)
            default:
                if scalar.value < 0x20 { out += unicodeEscape(scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}
