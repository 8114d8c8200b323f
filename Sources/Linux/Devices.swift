import CLinux

/// Device numbers and the errno of the last failed call, for modules that must not reach into CLinux.
public enum Device {
    public static func number(major: UInt32, minor: UInt32) -> dev_t { clinux_makedev(major, minor) }
    public static func major(_ number: dev_t) -> UInt32 { clinux_major(number) }
    public static func minor(_ number: dev_t) -> UInt32 { clinux_minor(number) }
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
