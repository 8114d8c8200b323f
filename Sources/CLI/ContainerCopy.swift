import Archive
import Glibc
import Linux
import Reconciler
import Supervisor

/// `cp` in and out of a running container. The container side is the container's own `tar`, run by exec, so
/// every path is resolved inside the container's namespaces and a hostile symlink in the container can never
/// reach the host; the host side writes with the Archive module's safe extractor. The cost: the image needs a
/// `tar` (busybox has one) and the container must be running.
struct ContainerCopy {
    let store: ContainerStore
    let container: ProjectRuntime.Container

    /// Container `source` → host `destination`: into it when it is a directory, else under that name.
    func copyOut(_ source: String, to destination: String) throws {
        let (parent, name) = Self.split(source)
        let (output, status) = try execute(["tar", "-c", "-f", "-", "-C", parent, name], input: nil)
        guard status == 0 else { throw CommandError("copy \(container.name):\(source): tar in the container failed (\(status))") }
        let intoDirectory = Self.isDirectory(destination)
        let (hostParent, hostName) = intoDirectory ? (destination, name) : Self.split(destination)
        // Extract beside the target first, then rename, so the copy can take the destination's name.
        let staging = "\(hostParent)/.swcompose-cp-\(getpid())"
        try FileSystem.createDirectory(staging, mode: 0o700)
        defer { try? FileSystem.removeTree(staging) }
        try Extractor(root: staging).extract(TarReader(BytesSource(output)))
        if FileSystem.exists("\(hostParent)/\(hostName)") && Self.isDirectory("\(staging)/\(name)") {
            try FileSystem.removeTree("\(hostParent)/\(hostName)")
        }
        guard rename("\(staging)/\(name)", "\(hostParent)/\(hostName)") == 0 else {
            throw CommandError("copy to \(destination): \(Errno.current("rename", destination))")
        }
    }

    /// Host `source` → container `destination`: into it when it is a directory there, else under that name.
    func copyIn(_ source: String, to destination: String) throws {
        guard FileSystem.exists(source) else { throw CommandError("copy \(source): no such file or directory") }
        let (_, check) = try execute(["test", "-d", destination], input: nil)
        let (parent, name) = check == 0 ? (destination, Self.split(source).1) : Self.split(destination)
        var writer = TarWriter()
        try Self.append(source, as: name, to: &writer)
        writer.finish()
        let (_, status) = try execute(["tar", "-x", "-f", "-", "-C", parent], input: writer.bytes)
        guard status == 0 else { throw CommandError("copy to \(container.name):\(destination): tar in the container failed (\(status))") }
    }

    /// Runs `command` in the container with `input` on its stdin; returns its stdout and exit status.
    private func execute(_ command: [String], input: [UInt8]?) throws -> ([UInt8], Int32) {
        let stdin = try FileDescriptor.pipe()
        let stdout = try FileDescriptor.pipe()
        let pid: pid_t
        do {
            pid = try store.exec(container.id, command: command, stdio: [0: stdin.read, 1: stdout.write])
        } catch {
            for fd in [stdin.read, stdin.write, stdout.read, stdout.write] { fd.closeQuietly() }
            throw error
        }
        stdin.read.closeQuietly()
        stdout.write.closeQuietly()
        // A writer thread would be needed for input larger than a pipe while output also flows; one side is
        // always empty here (copy in reads nothing back, copy out sends nothing).
        if let input { try? stdin.write.writeAll(input) }
        stdin.write.closeQuietly()
        let output = (try? stdout.read.readAll()) ?? []
        stdout.read.closeQuietly()
        let status = (try? Process.wait(pid))??.status.code ?? 125
        return (output, status)
    }

    private static func append(_ path: String, as name: String, to writer: inout TarWriter) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw CommandError("copy: \(Errno.current("lstat", path))") }
        let mode = UInt32(info.st_mode & 0o7777)
        let time = (seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec))
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            writer.append(TarEntry(path: name + "/", kind: .directory, mode: mode, modificationTime: time))
            for child in try FileSystem.contents(of: path).sorted() { try append("\(path)/\(child)", as: "\(name)/\(child)", to: &writer) }
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(path, &buffer, buffer.count - 1)
            guard count >= 0 else { throw CommandError("copy: \(Errno.current("readlink", path))") }
            writer.append(TarEntry(path: name, kind: .symbolicLink, mode: mode, modificationTime: time,
                                   linkName: String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)))
        case S_IFREG:
            let bytes = try FileSystem.readFile(path)
            writer.append(TarEntry(path: name, kind: .regular, mode: mode, size: Int64(bytes.count), modificationTime: time), contents: bytes)
        default:
            throw CommandError("copy \(path): only files, directories and symlinks can be copied")
        }
    }

    /// "/a/b/c" → ("/a/b", "c"); "c" → (".", "c"); trailing slashes ignored.
    static func split(_ path: String) -> (String, String) {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let parent = trimmed[..<slash]
        return (parent.isEmpty ? "/" : String(parent), String(trimmed[trimmed.index(after: slash)...]))
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}
