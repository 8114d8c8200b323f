import CLinux
import Glibc

/// TCP client sockets for the registry client: connect with a deadline, then blocking I/O with timeouts.
public enum TCPSocket {
    /// Connects to `host:port` (names resolved with getaddrinfo), trying each address in turn.
    /// Reads and writes on the result fail with EAGAIN after `timeout` seconds of silence.
    public static func connect(host: String, port: UInt16, timeout: Double) throws(Errno) -> FileDescriptor {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Errno(EHOSTUNREACH, call: "getaddrinfo", subject: "\(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = Errno(ECONNREFUSED, call: "connect", subject: host)
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let info = current {
            current = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { lastError = Errno.current("socket", host); continue }
            let descriptor = FileDescriptor(rawValue: fd)
            do {
                try connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen, timeout: timeout, host: host)
                try descriptor.setNonBlocking(false)
                try setTimeout(descriptor, seconds: timeout)
                return descriptor
            } catch {
                descriptor.closeQuietly()
                lastError = error
            }
        }
        throw lastError
    }

    private static func connect(
        _ fd: FileDescriptor, _ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t, timeout: Double, host: String
    ) throws(Errno) {
        if Glibc.connect(fd.rawValue, address, length) == 0 { return }
        guard clinux_errno() == EINPROGRESS else { throw Errno.current("connect", host) }
        var poller = pollfd(fd: fd.rawValue, events: Int16(POLLOUT), revents: 0)
        let ready = try retryingInterrupts("poll", host) { poll(&poller, 1, Int32(timeout * 1000)) }
        guard ready > 0 else { throw Errno(ETIMEDOUT, call: "connect", subject: host) }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd.rawValue, SOL_SOCKET, SO_ERROR, &error, &size)
        if error != 0 { throw Errno(error, call: "connect", subject: host) }
    }

    private static func setTimeout(_ fd: FileDescriptor, seconds: Double) throws(Errno) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        let size = socklen_t(MemoryLayout<timeval>.size)
        try check(setsockopt(fd.rawValue, SOL_SOCKET, SO_RCVTIMEO, &value, size), "setsockopt")
        try check(setsockopt(fd.rawValue, SOL_SOCKET, SO_SNDTIMEO, &value, size), "setsockopt")
    }
}
