import CLinux
import Glibc

/// Facts about the current process that commands read once at start.
public enum CurrentProcess {
    /// The environment as a dictionary (first occurrence of a name wins, as getenv does).
    public static func environment() -> [String: String] {
        var result: [String: String] = [:]
        guard var entry = clinux_environ() else { return result }
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                let name = String(text[..<equals])
                if result[name] == nil { result[name] = String(text[text.index(after: equals)...]) }
            }
            entry += 1
        }
        return result
    }

    public static func workingDirectory() throws(Errno) -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let found = buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { getcwd($0.baseAddress, $0.count) != nil }
        }
        guard found else { throw Errno.current("getcwd") }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }

    public static func isTerminal(_ fd: FileDescriptor) -> Bool { isatty(fd.rawValue) == 1 }
}

/// Unbuffered writes to standard output and error: commands print whole lines or blocks.
public enum Console {
    public static func out(_ text: String) { try? FileDescriptor.standardOutput.writeAll(text) }
    public static func err(_ text: String) { try? FileDescriptor.standardError.writeAll(text) }
}
