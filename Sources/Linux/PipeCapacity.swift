import CLinux

extension FileDescriptor {
    /// F_SETPIPE_SZ (F_LINUX_SPECIFIC_BASE + 7), which Glibc's Swift module leaves out.
    private static let setPipeSize: Int32 = 1031

    /// Asks the kernel to make this pipe hold `bytes` (rounded up to a power-of-two number of pages, at most
    /// /proc/sys/fs/pipe-max-size for unprivileged callers); returns the capacity it now has.
    public func setPipeCapacity(_ bytes: Int) throws(Errno) -> Int {
        Int(try check(clinux_fcntl_int(rawValue, Self.setPipeSize, Int32(clamping: bytes)), "fcntl F_SETPIPE_SZ"))
    }
}
