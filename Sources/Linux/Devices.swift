import CLinux
import Glibc

/// Device numbers, device nodes and the errno of the last failed call, for modules that must not reach into CLinux.
public enum Device {
    public static func number(major: UInt32, minor: UInt32) -> dev_t { clinux_makedev(major, minor) }
    public static func major(_ number: dev_t) -> UInt32 { clinux_major(number) }
    public static func minor(_ number: dev_t) -> UInt32 { clinux_minor(number) }

    /// Type and numbers of the device node at `path` (following symlinks), nil for a path that is not one.
    public static func node(at path: String) throws(Errno) -> (isBlock: Bool, major: UInt32, minor: UInt32)? {
        var st = stat()
        if stat(path, &st) != 0 { throw Errno.current("stat", path) }
        let type = st.st_mode & S_IFMT
        guard type == S_IFCHR || type == S_IFBLK else { return nil }
        return (type == S_IFBLK, major(st.st_rdev), minor(st.st_rdev))
    }
}

extension Errno {
    /// The calling thread's errno right now (for "failed unless EEXIST" checks).
    public static var lastCode: Int32 { clinux_errno() }
}

extension Process {
    /// Closes every descriptor from `first` up (a PID 1 that must hold nothing of its parent's).
    public static func closeAll(from first: Int32) { _ = clinux_close_range(UInt32(first), UInt32.max, 0) }

    /// Makes `fd` (a terminal) the controlling terminal of this session.
    public static func setControllingTerminal(_ fd: FileDescriptor) throws(Errno) {
        try check(clinux_set_controlling_terminal(fd.rawValue), "ioctl TIOCSCTTY")
    }
}
