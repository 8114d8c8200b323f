import CLinux
import Glibc

/// Small path operations in one place, each throwing `Errno` that names the path.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mkdir -p`: succeeds when the directory already exists.
    public static func createDirectory(_ path: String, mode: mode_t = 0o755) throws(Errno) {
        if mkdir(path, mode) == 0 { return }
        let code = clinux_errno()
        if code == EEXIST { return }
        if code == ENOENT {
            let parent = parentPath(of: path)
            if parent != path && !parent.isEmpty {
                try createDirectory(parent, mode: mode)
                if mkdir(path, mode) == 0 || clinux_errno() == EEXIST { return }
                throw Errno.current("mkdir", path)
            }
        }
        throw Errno(code, call: "mkdir", subject: path)
    }

    public static func parentPath(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func readFile(_ path: String) throws(Errno) -> [UInt8] {
        let fd = try FileDescriptor.open(path, .readOnly)
        defer { fd.closeQuietly() }
        return try fd.readAll()
    }

    public static func readString(_ path: String) throws(Errno) -> String {
        String(decoding: try readFile(path), as: UTF8.self)
    }

    /// Writes through a temporary file, fsync and rename, so readers never see a half file.
    /// `durable: false` skips the fsync (a millisecond or more each) for state that cannot outlive a reboot anyway:
    /// readers still never see half a file.
    public static func writeAtomically(_ path: String, _ bytes: some Sequence<UInt8>, mode: mode_t = 0o644,
                                       durable: Bool = true) throws(Errno) {
        let temp = "\(path).tmp.\(getpid())"
        let fd = try FileDescriptor.open(temp, [.writeOnly, .create, .truncate], mode: mode)
        do {
            try fd.writeAll(bytes)
            if durable { try check(fsync(fd.rawValue), "fsync", temp) }
            try fd.close()
        } catch {
            fd.closeQuietly()
            unlink(temp)
            throw error
        }
        try check(rename(temp, path), "rename", path)
    }

    public static func writeAtomically(_ path: String, _ string: String, mode: mode_t = 0o644, durable: Bool = true) throws(Errno) {
        try writeAtomically(path, Array(string.utf8), mode: mode, durable: durable)
    }

    /// Replaces a file's content through its existing inode: procfs, sysfs and cgroup knobs cannot be renamed
    /// over, and a file bind-mounted into a container must keep its inode.
    public static func overwrite(_ path: String, _ string: String, create: Bool = false) throws(Errno) {
        let fd = try FileDescriptor.open(path, create ? [.writeOnly, .truncate, .create] : [.writeOnly, .truncate])
        defer { fd.closeQuietly() }
        try fd.writeAll(string)
    }

    /// Names in a directory, without "." and "..".
    public static func contents(of path: String) throws(Errno) -> [String] {
        guard let dir = opendir(path) else { throw Errno.current("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public static func remove(_ path: String) throws(Errno) {
        if unlink(path) == 0 || clinux_errno() == ENOENT { return }
        throw Errno.current("unlink", path)
    }

    /// `rm -rf` that never crosses into another mount (a busy mount fails with EBUSY instead).
    public static func removeTree(_ path: String) throws(Errno) {
        var st = stat()
        if lstat(path, &st) != 0 {
            if clinux_errno() == ENOENT { return }
            throw Errno.current("lstat", path)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in try contents(of: path) { try removeTree("\(path)/\(name)") }
            if rmdir(path) != 0 && clinux_errno() != ENOENT { throw Errno.current("rmdir", path) }
        } else {
            try remove(path)
        }
    }
}
