/// A compose duration (`1m30s`, `500ms`, `1h`, `2d`), kept in nanoseconds and printed as Go prints it.
public struct ComposeDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public var seconds: Double { Double(nanoseconds) / 1e9 }

    static let units: [(String, Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ("d", 86400e9), ("w", 604800e9),
    ]

    /// Parses a sequence of `<number><unit>` terms; a bare number counts as seconds only when it is `0`.
    public init?(parsing text: String) {
        var rest = Substring(text)
        var negative = false
        if rest.hasPrefix("-") { negative = true; rest = rest.dropFirst() } else if rest.hasPrefix("+") { rest = rest.dropFirst() }
        if rest == "0" { self.nanoseconds = 0; return }
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = Self.units.first(where: { $0.0 == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.1
        }
        self.nanoseconds = Int64((negative ? -total : total).rounded())
    }

    /// Go's `time.Duration.String()`: `1m30s`, `500ms`, `1h0m0s`, `0s`.
    public var description: String {
        var value = nanoseconds.magnitude
        let sign = nanoseconds < 0 ? "-" : ""
        if value == 0 { return "0s" }
        if value < 1_000_000_000 {
            let (unit, scale): (String, UInt64) = value < 1_000 ? ("ns", 1) : value < 1_000_000 ? ("µs", 1_000) : ("ms", 1_000_000)
            return sign + Self.decimal(value, scale: scale) + unit
        }
        var text = Self.decimal(value % 60_000_000_000, scale: 1_000_000_000) + "s"
        value /= 60_000_000_000
        if value > 0 {
            text = "\(value % 60)m" + text
            value /= 60
            if value > 0 { text = "\(value)h" + text }
        }
        return sign + text
    }

    /// `value / scale` with the fraction's trailing zeros dropped.
    private static func decimal(_ value: UInt64, scale: UInt64) -> String {
        let whole = value / scale
        var fraction = value % scale
        guard fraction > 0 else { return String(whole) }
        var digits = String(scale).count - 1
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let text = String(fraction)
        return "\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }
}
