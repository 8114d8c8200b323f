import Glibc

/// `--since`/`--until` values as docker takes them: RFC 3339 (`2013-01-02T13:23:37Z`), a Unix timestamp, or a
/// duration back from now (`42m`, `1h30m`, `10s`).
enum TimeArgument {
    static func parse(_ text: String, now: Double) -> Double? {
        if let seconds = Double(text) { return seconds }
        if let duration = duration(text) { return now - duration }
        return rfc3339(text)
    }

    /// Go's duration syntax: numbers with units ns, us, ms, s, m, h.
    static func duration(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        return total
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    static func rfc3339(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ start: Int, _ length: Int) -> Int32? { Int32(String(decoding: bytes[start..<(start + length)], as: UTF8.self)) }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2) else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        var result = Double(timegm(&parts))
        var index = 19
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            let start = index + 1
            index = start
            while index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57 { index += 1 }
            result += Double("0." + String(decoding: bytes[start..<index], as: UTF8.self)) ?? 0
        }
        if index + 6 == bytes.count, let hours = number(index + 1, 2), let minutes = number(index + 4, 2) {
            let offset = Double(hours * 3600 + minutes * 60)
            result += bytes[index] == UInt8(ascii: "-") ? offset : -offset
        }
        return result
    }
}
