import Linux

/// The 1/5/15-minute load, printed beside figures because other work on the machine skews them.
enum LoadAverage {
    static var text: String {
        guard let line = try? FileSystem.readString("/proc/loadavg") else { return "unknown" }
        return line.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
