import CLinux
import Glibc

/// Stream unix sockets: the supervisor's control socket and its clients.
public enum UnixSocket {
    public static func listen(path: String, backlog: Int32 = 16) throws(Errno) -> FileDescriptor {
        let fd = try check(socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0), "socket")
        unlink(path)
        do {
            _ = try withAddress(path) { address, length throws(Errno) in
                try check(bind(fd, address, length), "bind", path)
            }
            try check(Glibc.listen(fd, backlog), "listen", path)
        } catch {
            close(fd)
            throw error
        }
        return FileDescriptor(rawValue: fd)
    }

    public static func connect(path: String) throws(Errno) -> FileDescriptor {
        let fd = try check(socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0), "socket")
        do {
            _ = try withAddress(path) { address, length throws(Errno) in
                try retryingInterrupts("connect", path) { Glibc.connect(fd, address, length) }
            }
        } catch {
            close(fd)
            throw error
        }
        return FileDescriptor(rawValue: fd)
    }

    public static func accept(_ listener: FileDescriptor) throws(Errno) -> FileDescriptor {
        FileDescriptor(rawValue: try retryingInterrupts("accept") {
            accept4(listener.rawValue, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
        })
    }

    /// A connected pair (close-on-exec), e.g. for a child to hand a descriptor back to its parent.
    public static func pair() throws(Errno) -> (FileDescriptor, FileDescriptor) {
        var fds: [Int32] = [0, 0]
        try check(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds), "socketpair")
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }

    /// Passes `descriptor` (SCM_RIGHTS) with one byte of data; the caller still owns its copy.
    public static func send(_ descriptor: FileDescriptor, over socket: FileDescriptor) throws(Errno) {
        try check(clinux_send_fd(socket.rawValue, descriptor.rawValue), "sendmsg SCM_RIGHTS")
    }

    /// The descriptor the peer passed with `send(_:over:)`, close-on-exec.
    public static func receiveDescriptor(from socket: FileDescriptor) throws(Errno) -> FileDescriptor {
        FileDescriptor(rawValue: try check(clinux_receive_fd(socket.rawValue), "recvmsg SCM_RIGHTS"))
    }

    private static func withAddress<R>(
        _ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) throws(Errno) -> R
    ) throws(Errno) -> R {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw Errno(ENAMETOOLONG, call: "bind", subject: path) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
        return try withUnsafePointer(to: &address) { pointer throws(Errno) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(Errno) in try body(address, length) }
        }
    }
}

/// A sealed in-memory copy of an executable: running it leaves nothing a container could overwrite
/// through /proc/<pid>/exe (CVE-2019-5736).
public enum SealedExecutable {
    public static func copy(of path: String) throws(Errno) -> FileDescriptor {
        let memfd = FileDescriptor(rawValue: try check(
            clinux_memfd_create("swcompose", CLINUX_MFD_CLOEXEC | CLINUX_MFD_ALLOW_SEALING), "memfd_create"))
        do {
            let source = try FileDescriptor.open(path, .readOnly)
            defer { source.closeQuietly() }
            var st = stat()
            try check(fstat(source.rawValue, &st), "fstat", path)
            var remaining = Int(st.st_size)
            while remaining > 0 {
                let copied = try retryingInterrupts("sendfile", path) {
                    sendfile(memfd.rawValue, source.rawValue, nil, remaining)
                }
                if copied == 0 { break }
                remaining -= copied
            }
            try check(clinux_fcntl_int(memfd.rawValue, CLINUX_F_ADD_SEALS, CLINUX_SEALS_ALL), "fcntl F_ADD_SEALS", path)
        } catch {
            memfd.closeQuietly()
            throw error
        }
        return memfd
    }
}
