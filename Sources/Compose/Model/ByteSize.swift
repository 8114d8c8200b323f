/// A byte size (`512m`, `1g`, `100k`, `1.5gb`, plain numbers), binary units as docker reads them.
public enum ByteSize {
    public static func parse(_ text: String) -> Int64? {
        let lower = text.lowercased()
        let number = lower.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !number.isEmpty, let value = Double(number) else { return nil }
        let multipliers: [String: Int64] = [
            "": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
            "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40,
            "p": 1 << 50, "pb": 1 << 50, "pib": 1 << 50,
        ]
        let suffix = lower.dropFirst(number.count).drop { $0 == " " }
        guard let multiplier = multipliers[String(suffix)] else { return nil }
        return Int64(value * Double(multiplier))
    }
}
