import CLinux
import Glibc

/// An owned-by-convention file descriptor: a plain value, closed explicitly.
public struct FileDescriptor: Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let standardInput = FileDescriptor(rawValue: 0)
    public static let standardOutput = FileDescriptor(rawValue: 1)
    public static let standardError = FileDescriptor(rawValue: 2)

    public struct OpenFlags: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let readOnly = OpenFlags([])
        public static let writeOnly = OpenFlags(rawValue: O_WRONLY)
        public static let readWrite = OpenFlags(rawValue: O_RDWR)
        public static let create = OpenFlags(rawValue: O_CREAT)
        public static let exclusive = OpenFlags(rawValue: O_EXCL)
        public static let truncate = OpenFlags(rawValue: O_TRUNC)
        public static let append = OpenFlags(rawValue: O_APPEND)
        public static let directory = OpenFlags(rawValue: O_DIRECTORY)
        public static let noFollow = OpenFlags(rawValue: O_NOFOLLOW)
        public static let path = OpenFlags(rawValue: O_PATH)
        public static let nonBlocking = OpenFlags(rawValue: O_NONBLOCK)
        public static let noCTTY = OpenFlags(rawValue: O_NOCTTY)
        /// Every descriptor is close-on-exec unless a caller says otherwise.
        public static let closeOnExec = OpenFlags(rawValue: O_CLOEXEC)
    }

    public static func open(
        _ path: String, _ flags: OpenFlags, mode: mode_t = 0o644, relativeTo dir: FileDescriptor? = nil
    ) throws(Errno) -> FileDescriptor {
        let all = flags.union(.closeOnExec).rawValue
        let fd = try retryingInterrupts("open", path) {
            clinux_openat(dir?.rawValue ?? AT_FDCWD, path, all, mode)
        }
        return FileDescriptor(rawValue: fd)
    }

    public func close() throws(Errno) {
        // EINTR on close still releases the descriptor on Linux; do not retry.
        if Glibc.close(rawValue) == -1 && clinux_errno() != EINTR { throw Errno.current("close") }
    }

    /// Closes and ignores errors: for cleanup paths that already report a first failure.
    public func closeQuietly() { _ = Glibc.close(rawValue) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try retryingInterrupts("read") { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    public func write(_ buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try retryingInterrupts("write") { Glibc.write(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes every byte, looping over short writes.
    public func writeAll(_ bytes: some Sequence<UInt8>) throws(Errno) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let start = offset
            let written = try retryingInterrupts("write") {
                array.withUnsafeBytes { Glibc.write(rawValue, $0.baseAddress! + start, $0.count - start) }
            }
            offset += written
        }
    }

    public func writeAll(_ string: String) throws(Errno) { try writeAll(Array(string.utf8)) }

    /// Reads until end of file.
    public func readAll(chunk: Int = 65536) throws(Errno) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let count = try retryingInterrupts("read") {
                buffer.withUnsafeMutableBytes { Glibc.read(rawValue, $0.baseAddress, $0.count) }
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    public func setNonBlocking(_ on: Bool = true) throws(Errno) {
        let flags = try check(clinux_fcntl_int(rawValue, F_GETFL, 0), "fcntl")
        try check(clinux_fcntl_int(rawValue, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK), "fcntl")
    }

    public func setCloseOnExec(_ on: Bool) throws(Errno) {
        try check(clinux_fcntl_int(rawValue, F_SETFD, on ? FD_CLOEXEC : 0), "fcntl")
    }

    public func duplicate(as target: FileDescriptor) throws(Errno) {
        try retryingInterrupts("dup2") { dup2(rawValue, target.rawValue) }
    }

    /// A pipe whose both ends are close-on-exec.
    public static func pipe() throws(Errno) -> (read: FileDescriptor, write: FileDescriptor) {
        var fds: [Int32] = [0, 0]
        try check(pipe2(&fds, O_CLOEXEC), "pipe2")
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }
}
