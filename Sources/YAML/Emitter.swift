/// Writes `Node` trees as block YAML the way docker compose prints them (go-yaml v3, two-space indent,
/// sequences indented under their key).
///
/// Scalars: a `.plain` scalar is written verbatim (numbers, booleans, `null`); any quoted style marks a
/// string, written plain when that reads back as the same string, as a literal block when it spans
/// lines, and otherwise quoted as go-yaml does: double quotes for text that would read back as another
/// type or needs escapes, single quotes for the rest (`'a: b'`).
public enum YAMLEmitter {
    public static func emit(_ node: Node) -> String {
        var out = ""
        write(node, indent: 0, into: &out, context: .document)
        return out
    }

    private enum Context { case document, mappingValue, sequenceItem }

    private static func write(_ node: Node, indent: Int, into out: inout String, context: Context) {
        let pad = String(repeating: " ", count: indent)
        switch node.kind {
        case .scalar:
            let text = scalarText(node, indent: indent)
            out += context == .document ? text + "\n" : " " + text + "\n"
        case .sequence(let items):
            if items.isEmpty {
                out += context == .document ? "[]\n" : " []\n"
                return
            }
            if context != .document { out += "\n" }
            for item in items {
                out += pad + "-"
                writeItem(item, indent: indent + 2, into: &out)
            }
        case .mapping(let pairs):
            if pairs.isEmpty {
                out += context == .document ? "{}\n" : " {}\n"
                return
            }
            if context == .mappingValue { out += "\n" }
            for (index, pair) in pairs.enumerated() {
                // The first key of a mapping inside a sequence item shares the `- ` line.
                let lead = (context == .sequenceItem && index == 0) ? " " : pad
                out += lead + keyText(pair.key) + ":"
                write(pair.value, indent: indent + 2, into: &out, context: .mappingValue)
            }
        }
    }

    private static func writeItem(_ item: Node, indent: Int, into out: inout String) {
        switch item.kind {
        case .mapping(let pairs) where !pairs.isEmpty:
            write(item, indent: indent, into: &out, context: .sequenceItem)
        case .sequence(let items) where !items.isEmpty:
            out += " -"
            // A nested sequence continues on the same line, as go-yaml writes it.
            for (index, inner) in items.enumerated() {
                if index > 0 { out += String(repeating: " ", count: indent) + "-" }
                writeItem(inner, indent: indent + 2, into: &out)
            }
        default:
            write(item, indent: indent, into: &out, context: .sequenceItem)
        }
    }

    private static func keyText(_ key: Node) -> String {
        guard let text = key.scalar else { return "?" }
        return quoted(text)
    }

    private static func scalarText(_ node: Node, indent: Int) -> String {
        guard case .scalar(let value, let style) = node.kind else { return "" }
        if style == .plain { return value.isEmpty ? "null" : value }
        if value.contains("\n") && !value.hasPrefix(" ") && value.unicodeScalars.allSatisfy({ $0 == "\n" || $0.value >= 0x20 }) {
            return literalBlock(value, indent: indent)
        }
        return quoted(value)
    }

    private static func quoted(_ text: String) -> String {
        guard needsQuotes(text) else { return text }
        if text.isEmpty || looksTyped(text) || text.unicodeScalars.contains(where: needsEscape) { return doubleQuoted(text) }
        return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }

    /// Characters a YAML scalar can only hold as a double-quoted escape (controls, BOM, Unicode line breaks).
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0xFEFF || scalar.value == 0x85
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    private static func literalBlock(_ value: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var body = Substring(value)
        var header = "|"
        if !body.hasSuffix("\n") { header = "|-" } else if body.hasSuffix("\n\n") { header = "|+" }
        if body.hasSuffix("\n") { body = body.dropLast() }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        return header + lines.map { $0.isEmpty ? "\n" : "\n" + pad + $0 }.joined()
    }

    /// True when a plain scalar would not read back as this exact string.
    public static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return true }
        if first == " " || last == " " || last == ":" { return true }
        if looksTyped(text) { return true }
        if "#,[]{}&*!|>'\"%@`".contains(first) { return true }
        if "-?:".contains(first) {
            let second = text.dropFirst().first
            if second == nil || second == " " { return true }
            if text.hasPrefix("---") { return true }
        }
        if text.contains(": ") || text.contains(" #") { return true }
        return text.unicodeScalars.contains(where: needsEscape)
    }

    /// Words and numbers YAML 1.1 or 1.2 would resolve to a non-string.
    private static func looksTyped(_ text: String) -> Bool {
        let words: Set<String> = [
            "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
            "FALSE", "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL",
            ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
        ]
        if words.contains(text) { return true }
        guard let first = text.first, first.isNumber || "+-.".contains(first) else { return false }
        let digits = text.filter { $0 != "_" }
        var body = Substring(digits)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        if body.hasPrefix("0x"), !body.dropFirst(2).isEmpty, body.dropFirst(2).allSatisfy(\.isHexDigit) { return true }
        if body.hasPrefix("0b"), !body.dropFirst(2).isEmpty, body.dropFirst(2).allSatisfy({ $0 == "0" || $0 == "1" }) { return true }
        if body.hasPrefix("0o"), !body.dropFirst(2).isEmpty, body.dropFirst(2).allSatisfy({ ("0"..."7").contains($0) }) { return true }
        if !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        let allowed = Set("0123456789.eE+-")
        return body.allSatisfy { allowed.contains($0) } && Double(String(body)) != nil
    }

    public static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{85}": out += "\\N"
            case "\u{2028}": out += "\\L"
            case "\u{2029}": out += "\\P"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value == 0xFEFF {
                    out += "\\uFEFF"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
