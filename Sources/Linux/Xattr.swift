import CLinux
import Glibc

extension FileDescriptor {
    /// `fsetxattr`: sets `name` (e.g. "trusted.overlay.opaque") on the open file.
    public func setExtendedAttribute(_ name: String, _ value: [UInt8]) throws(Errno) {
        let result = value.withUnsafeBytes { fsetxattr(rawValue, name, $0.baseAddress, $0.count, 0) }
        try check(result, "setxattr", name)
    }

    /// `fgetxattr`, or nil when the attribute is absent.
    public func extendedAttribute(_ name: String) throws(Errno) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { fgetxattr(rawValue, name, $0.baseAddress, $0.count) }
        if count == -1 {
            if clinux_errno() == ENODATA { return nil }
            throw Errno.current("getxattr", name)
        }
        return Array(buffer[0..<count])
    }

    /// openat2 with RESOLVE_BENEATH: `path` and every symlink on the way must stay below this directory.
    /// Fails with EXDEV (or ELOOP) on an escape, ENOSYS on kernels before 5.6.
    public func openBeneath(_ path: String, _ flags: OpenFlags, mode: mode_t = 0o644) throws(Errno) -> FileDescriptor {
        let all = flags.union(.closeOnExec).rawValue
        let fd = try retryingInterrupts("openat2", path) { clinux_openat2_beneath(rawValue, path, all, mode) }
        return FileDescriptor(rawValue: fd)
    }
}
