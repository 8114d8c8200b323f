import Glibc
import Linux

/// docker's copy-up: a volume that is still empty when first mounted receives the image's content at its mount
/// point, with modes, owners, timestamps and symlinks kept. Runs in the container's setup, where the merged
/// rootfs is mounted and the volume's directory is still reachable by its host path.
enum VolumeCopyUp {
    /// Copies the image's directory at `target` (resolved inside the root, so its symlinks cannot lead to a host
    /// path) into `volume` when `volume` is empty; a missing target, or one that is not a directory, copies nothing.
    static func fill(_ volume: String, from target: String, in rootDirectory: RootDirectory) throws(Errno) {
        let resolved: FileDescriptor
        do { resolved = try rootDirectory.open(target, [.path, .directory]) } catch where [ENOENT, ENOTDIR].contains(error.code) {
            return
        }
        defer { resolved.closeQuietly() }
        guard try FileSystem.contents(of: volume).isEmpty else { return }
        try copyContents(of: resolved.procPath, into: volume)
        var info = stat()
        try check(fstat(resolved.rawValue, &info), "fstat", target)
        try check(chown(volume, info.st_uid, info.st_gid), "chown", volume)
        try check(chmod(volume, info.st_mode & 0o7777), "chmod", volume)
        try setTimes(volume, info)
    }

    private static func copyContents(of directory: String, into target: String) throws(Errno) {
        for name in try FileSystem.contents(of: directory) {
            let from = directory + "/" + name
            let to = target + "/" + name
            let info = try status(from)
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try check(mkdir(to, 0o700), "mkdir", to)
                try copyContents(of: from, into: to)
            case S_IFLNK:
                try check(symlink(try linkTarget(from), to), "symlink", to)
            case S_IFREG:
                try copyFile(from, to)
            default:
                // Devices, fifos and sockets are recreated as nodes, as `cp -a` does.
                try check(mknod(to, info.st_mode, info.st_rdev), "mknod", to)
            }
            try check(lchown(to, info.st_uid, info.st_gid), "lchown", to)
            if info.st_mode & S_IFMT != S_IFLNK { try check(chmod(to, info.st_mode & 0o7777), "chmod", to) }
            try setTimes(to, info)
        }
    }

    private static func status(_ path: String) throws(Errno) -> stat {
        var info = stat()
        try check(lstat(path, &info), "lstat", path)
        return info
    }

    private static func linkTarget(_ path: String) throws(Errno) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = try check(readlink(path, &buffer, buffer.count - 1), "readlink", path)
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func copyFile(_ from: String, _ to: String) throws(Errno) {
        let source = try FileDescriptor.open(from, [.readOnly, .noFollow])
        defer { source.closeQuietly() }
        let target = try FileDescriptor.open(to, [.writeOnly, .create, .truncate], mode: 0o600)
        defer { target.closeQuietly() }
        while true {
            let copied = try check(sendfile(target.rawValue, source.rawValue, nil, 1 << 30), "sendfile", to)
            if copied == 0 { return }
        }
    }

    private static func setTimes(_ path: String, _ info: stat) throws(Errno) {
        let times = [info.st_atim, info.st_mtim]
        try check(utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), "utimensat", path)
    }
}
