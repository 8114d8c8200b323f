import FoundationEssentials
import Glibc
import Linux

/// One line of a container's output.
public struct LogEntry: Codable, Sendable, Equatable {
    /// RFC 3339 with nanoseconds, UTC.
    public var time: String
    /// "stdout" or "stderr".
    public var stream: String
    /// The line without its newline.
    public var text: String

    public init(time: String, stream: String, text: String) {
        self.time = time
        self.stream = stream
        self.text = text
    }

    /// Seconds since the epoch, parsed back from `time`.
    public var timestamp: Double {
        let bytes = Array(time.utf8)
        guard bytes.count >= 20 else { return 0 }
        func number(_ start: Int, _ length: Int) -> Int32 {
            Int32(String(decoding: bytes[start..<(start + length)], as: UTF8.self)) ?? 0
        }
        var parts = tm()
        parts.tm_year = number(0, 4) - 1900
        parts.tm_mon = number(5, 2) - 1
        parts.tm_mday = number(8, 2)
        parts.tm_hour = number(11, 2)
        parts.tm_min = number(14, 2)
        parts.tm_sec = number(17, 2)
        let fraction = bytes.count >= 30 ? Double(number(20, 9)) / 1e9 : 0
        return Double(timegm(&parts)) + fraction
    }
}

/// Appends JSON lines to the container's log; one partial line per stream is held until its newline.
final class LogWriter {
    private let fd: FileDescriptor
    private var partial: [String: [UInt8]] = [:]
    private let encoder = JSONEncoder()
    /// Longer lines are split, as docker does at 16 KiB.
    static let maxLine = 16 * 1024

    init(path: String) throws(Errno) {
        fd = try FileDescriptor.open(path, [.writeOnly, .create, .append], mode: 0o640)
    }

    deinit { fd.closeQuietly() }

    func append(_ bytes: ArraySlice<UInt8>, stream: String) {
        var buffer = partial[stream, default: []]
        buffer.append(contentsOf: bytes)
        var start = 0
        var index = 0
        while index < buffer.count {
            let isNewline = buffer[index] == UInt8(ascii: "\n")
            if isNewline || index + 1 - start >= Self.maxLine {
                write(buffer[start..<(isNewline ? index : index + 1)], stream: stream)
                start = index + 1
            }
            index += 1
        }
        partial[stream] = Array(buffer[start...])
    }

    /// Writes whatever is left without a newline (the stream ended).
    func flush(stream: String) {
        if let rest = partial[stream], !rest.isEmpty { write(rest[...], stream: stream) }
        partial[stream] = []
    }

    private func write(_ line: ArraySlice<UInt8>, stream: String) {
        let entry = LogEntry(time: Clock.rfc3339(Clock.now()), stream: stream, text: String(decoding: line, as: UTF8.self))
        guard var json = try? encoder.encode(entry) else { return }
        json.append(UInt8(ascii: "\n"))
        try? fd.writeAll(json)
    }
}

/// Reads a container's log with docker's filters.
public enum LogReader {
    public static func read(path: String, since: Double? = nil, until: Double? = nil, tail: Int? = nil) throws -> [LogEntry] {
        guard FileSystem.exists(path) else { return [] }
        let bytes = try FileSystem.readFile(path)
        let decoder = JSONDecoder()
        var entries: [LogEntry] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let entry = try? decoder.decode(LogEntry.self, from: Data(line)) else { continue }
            if let since, entry.timestamp < since { continue }
            if let until, entry.timestamp > until { continue }
            entries.append(entry)
        }
        if let tail, tail >= 0, entries.count > tail { entries.removeFirst(entries.count - tail) }
        return entries
    }
}
