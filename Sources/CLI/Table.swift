/// Column-aligned text as docker prints it: upper-case headers, three spaces between columns.
enum Table {
    static func render(_ headers: [String], _ rows: [[String]]) -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                text += index == cells.count - 1 ? cell : cell.padding(widths[index] + 2)
            }
            return text + "\n"
        }
        return line(headers) + rows.map(line).joined()
    }

    /// Sizes as docker shows them: decimal units for images and I/O (1.2MB, 4.56kB), binary ones for memory
    /// (1.5MiB).
    static func size(_ bytes: Int64, binary: Bool = false) -> String {
        let units = binary ? ["B", "KiB", "MiB", "GiB", "TiB"] : ["B", "kB", "MB", "GB", "TB"]
        let step = binary ? 1024.0 : 1000.0
        var value = Double(bytes)
        var unit = 0
        while value >= step && unit < units.count - 1 {
            value /= step
            unit += 1
        }
        if unit == 0 { return "\(bytes)B" }
        let rounded = (value * 100).rounded() / 100
        return "\(rounded)\(units[unit])"
    }
}
