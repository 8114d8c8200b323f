import FoundationEssentials
import Glibc
import Linux
import Reconciler
import Supervisor

/// Reads a container's JSON-lines log as it grows, from a remembered offset: no inotify, no threads.
final class LogFollower {
    let container: ProjectRuntime.Container
    let prefix: String
    private var offset: off_t = 0
    private var partial: [UInt8] = []
    private let decoder = JSONDecoder()

    init(container: ProjectRuntime.Container, prefix: String, fromEnd: Bool = false) {
        self.container = container
        self.prefix = prefix
        if fromEnd {
            var info = stat()
            if stat(container.spec.logPath, &info) == 0 { offset = info.st_size }
        }
    }

    /// New complete entries since the last call.
    func poll() -> [LogEntry] {
        guard let fd = try? FileDescriptor.open(container.spec.logPath, .readOnly) else { return [] }
        defer { fd.closeQuietly() }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var entries: [LogEntry] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd.rawValue, $0.baseAddress, $0.count, offset) }
            if count <= 0 { break }
            offset += off_t(count)
            partial += buffer[0..<count]
            while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(partial[..<newline])
                partial.removeSubrange(...newline)
                if let entry = try? decoder.decode(LogEntry.self, from: Data(line)) { entries.append(entry) }
            }
        }
        return entries
    }
}

/// `service-1  | ` prefixes, padded to the longest name and coloured per container as docker compose does.
enum LogPrefix {
    static let colors = ["36", "33", "32", "35", "34", "96", "93", "92", "95", "94"]

    static func prefixes(for containers: [ProjectRuntime.Container], color: Bool) -> [String: String] {
        let names = containers.map { "\($0.service)-\($0.number)" }
        let width = names.map(\.count).max() ?? 0
        var result: [String: String] = [:]
        for (index, (container, name)) in zip(containers, names).enumerated() {
            let padded = name.padding(width + 1) + " | "
            result[container.id] = color ? "\u{1B}[\(colors[index % colors.count])m\(padded)\u{1B}[0m" : padded
        }
        return result
    }
}
