import Glibc

/// The few file reads the loader needs. `Compose` may not import `Linux`, so this stays on Glibc.
enum HostFiles {
    static func isFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFDIR
    }

    static func read(_ path: String) throws(LoadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotRead(path: path, reason: lastErrorText()) }
        defer { close(fd) }
        return try readAll(fd, name: path)
    }

    static func readAll(_ fd: Int32, name: String) throws(LoadError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: name, reason: lastErrorText())
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    private static func lastErrorText() -> String {
        errno == ENOENT ? "no such file or directory" : String(cString: strerror(errno))
    }
}

/// Lexical path operations: the loader reasons about paths as text, as compose-go's `filepath` does.
enum PathText {
    static func isAbsolute(_ path: String) -> Bool { path.hasPrefix("/") }

    /// `filepath.Join` + `Clean`: `..` and `.` folded, no trailing slash.
    static func join(_ base: String, _ path: String) -> String {
        clean(isAbsolute(path) ? path : base + "/" + path)
    }

    static func absolute(_ path: String, from directory: String) -> String { join(directory, path) }

    static func clean(_ path: String) -> String {
        let rooted = isAbsolute(path)
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == ".." && rooted {
                continue
            } else {
                parts.append(part)
            }
        }
        let body = parts.joined(separator: "/")
        if rooted { return "/" + body }
        return body.isEmpty ? "." : body
    }

    static func directory(of path: String) -> String {
        let cleaned = clean(path)
        guard let slash = cleaned.lastIndex(of: "/") else { return "." }
        return slash == cleaned.startIndex ? "/" : String(cleaned[..<slash])
    }

    static func baseName(_ path: String) -> String {
        let cleaned = clean(path)
        guard let slash = cleaned.lastIndex(of: "/") else { return cleaned }
        return String(cleaned[cleaned.index(after: slash)...])
    }

    /// `filepath.Rel` for two absolute, cleaned paths.
    static func relative(from base: String, to target: String) -> String {
        let from = clean(base).split(separator: "/")
        let to = clean(target).split(separator: "/")
        var common = 0
        while common < from.count && common < to.count && from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let rest = to[common...].map(String.init)
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
