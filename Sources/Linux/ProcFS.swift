import Glibc

/// Readers for /proc.
public enum ProcFS {
    /// The cgroup path of `pid` per v1 controller (and "" for the v2 unified hierarchy).
    public static func cgroups(of pid: String = "self") throws(Errno) -> [String: String] {
        var result: [String: String] = [:]
        for line in try FileSystem.readString("/proc/\(pid)/cgroup").split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            for controller in fields[1].split(separator: ",", omittingEmptySubsequences: false) {
                result[String(controller)] = String(fields[2])
            }
        }
        return result
    }

    public struct MountEntry: Sendable, Equatable {
        public let mountPoint: String
        public let type: String
        public let source: String
        public let options: String
    }

    public static func mounts(of pid: String = "self") throws(Errno) -> [MountEntry] {
        try FileSystem.readString("/proc/\(pid)/mountinfo").split(separator: "\n").compactMap { line in
            // "id parent major:minor root mountpoint options [optional...] - type source superoptions"
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { return nil }
            let left = halves[0].split(separator: " ")
            let right = halves[1].split(separator: " ")
            guard left.count >= 6, right.count >= 2 else { return nil }
            return MountEntry(
                mountPoint: unescape(String(left[4])), type: String(right[0]), source: String(right[1]),
                options: String(left[5]))
        }
    }

    /// The single-letter state from /proc/<pid>/stat ("R", "S", "Z"...), nil when gone.
    public static func state(of pid: pid_t) -> String? {
        guard let stat = try? FileSystem.readString("/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(close, offsetBy: 2)...].split(separator: " ").first.map(String.init)
    }

    /// The start time of `pid` in clock ticks since boot: with the pid, it identifies a process across pid reuse.
    public static func startTime(of pid: pid_t) -> UInt64? {
        guard let stat = try? FileSystem.readString("/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    /// mountinfo escapes space, tab, newline and backslash as octal.
    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count + 0,
               let value = UInt8(String(decoding: utf8[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension StringProtocol {
    /// Splits on a multi-character separator (Glibc-only code has no Foundation `components`).
    func components(separatedBy separator: String) -> [String] {
        var result: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            result.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        result.append(String(rest))
        return result
    }
}
