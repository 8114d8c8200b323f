/// A plain-text table: the first column left-aligned, figures right-aligned, two spaces between columns.
struct ReportTable {
    let title: String
    let headers: [String]
    private(set) var rows: [[String]] = []

    init(title: String, headers: [String]) {
        self.title = title
        self.headers = headers
    }

    mutating func add(_ cells: [String]) { rows.append(cells) }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = Swift.max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))
        return "\n\(title)\n\(line(headers))\n\(rule)\n" + rows.map { line($0) + "\n" }.joined()
    }
}

/// Number formats shared by all tables.
enum Figure {
    static func milliseconds(_ seconds: Double) -> String { fixed(seconds * 1000, digits: 1) }
    static func seconds(_ seconds: Double) -> String { fixed(seconds, digits: 2) }
    static func mebibytes(kib: Double) -> String { fixed(kib / 1024, digits: 1) }
    static func ratio(_ value: Double) -> String { fixed(value, digits: 2) + "x" }

    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        return "\(sign)\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
