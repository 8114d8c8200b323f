import CLinux
import Glibc

/// A directory that paths resolve inside as if it were `/`, the way the container will see them after
/// pivot_root: absolute symlinks restart at it and `..` stops at it, so an image's links can never reach a
/// host path. Used for every mount target and created file under a container's rootfs before pivot_root.
public struct RootDirectory {
    public enum Kind: Sendable { case directory, file }

    /// An O_PATH descriptor of the root; owned, see `close`.
    public let descriptor: FileDescriptor

    public init(_ path: String) throws(Errno) {
        descriptor = try FileDescriptor.open(path, [.path, .directory])
    }

    public func close() { descriptor.closeQuietly() }

    /// `path` resolved in the root, following symlinks there (openat2 with RESOLVE_IN_ROOT); O_PATH by default.
    public func open(_ path: String, _ flags: FileDescriptor.OpenFlags = .path) throws(Errno) -> FileDescriptor {
        let all = flags.union(.closeOnExec).rawValue
        let fd = try retryingInterrupts("openat2", path) { clinux_openat2_in_root(descriptor.rawValue, path, all, 0) }
        return FileDescriptor(rawValue: fd)
    }

    /// `path` resolved in the root as an O_PATH descriptor, creating what is missing on the way: directories
    /// (0755) and, for `.file`, an empty last file (0644). A dangling symlink is followed and its target
    /// created inside the root, as docker does. What exists is returned as it is, whatever its kind.
    public func create(_ path: String, _ kind: Kind) throws(Errno) -> FileDescriptor {
        do { return try open(path) } catch where error.code == ENOENT {}
        return try createWalking(path, kind)
    }

    /// The slow path: one component at a time with O_NOFOLLOW from the directory above, symlinks read and
    /// spliced into the rest of the path, `..` popped from the directories walked (never looked up).
    private func createWalking(_ path: String, _ kind: Kind) throws(Errno) -> FileDescriptor {
        var remaining = Array(Self.components(path).reversed())
        var walked: [FileDescriptor] = []
        defer { walked.forEach { $0.closeQuietly() } }
        var links = 0
        while let name = remaining.popLast() {
            if name == ".." {
                walked.popLast()?.closeQuietly()
                continue
            }
            let parent = walked.last ?? descriptor
            let isLast = remaining.isEmpty
            let next = try Self.openOrCreate(String(name), in: parent, as: isLast ? kind : .directory, path: path)
            var info = stat()
            do { try check(fstat(next.rawValue, &info), "fstat", path) } catch {
                next.closeQuietly()
                throw error
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                defer { next.closeQuietly() }
                links += 1
                if links > 40 { throw Errno(ELOOP, call: "resolve", subject: path) }
                let target = try Self.linkTarget(next, path: path)
                if target.hasPrefix("/") {
                    walked.forEach { $0.closeQuietly() }
                    walked = []
                }
                remaining.append(contentsOf: Self.components(target).reversed())
                continue
            }
            if remaining.isEmpty { return next }
            walked.append(next)
        }
        // The path ended in the root itself or in "..".
        return try FileDescriptor.open(".", .path, relativeTo: walked.last ?? descriptor)
    }

    private static func components(_ path: String) -> [Substring] {
        path.split(separator: "/").filter { $0 != "." }
    }

    private static func openOrCreate(_ name: String, in parent: FileDescriptor, as kind: Kind, path: String) throws(Errno) -> FileDescriptor {
        do { return try FileDescriptor.open(name, [.path, .noFollow], relativeTo: parent) } catch where error.code == ENOENT {}
        let made: Int32
        switch kind {
        case .directory:
            made = mkdirat(parent.rawValue, name, 0o755)
        case .file:
            made = clinux_openat(parent.rawValue, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if made >= 0 { Glibc.close(made) }
        }
        // EEXIST: created meanwhile; the open below sees what is there now.
        if made == -1 && clinux_errno() != EEXIST { throw Errno.current(kind == .directory ? "mkdir" : "create", path) }
        return try FileDescriptor.open(name, [.path, .noFollow], relativeTo: parent)
    }

    private static func linkTarget(_ link: FileDescriptor, path: String) throws(Errno) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = try check(readlinkat(link.rawValue, "", &buffer, buffer.count - 1), "readlink", path)
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension FileDescriptor {
    /// The magic link through which path-taking calls such as mount(2) reach exactly the inode behind this
    /// descriptor, whatever path led to it.
    public var procPath: String { "/proc/self/fd/\(rawValue)" }
}
