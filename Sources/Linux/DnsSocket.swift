import CLinux
import Glibc

/// An IPv4 or IPv6 address with a port, as the DNS server's sockets see it.
/// Kept as raw bytes so this layer needs no address library.
public struct DnsSocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public let address: [UInt8]
    public let port: UInt16

    public init?(address: [UInt8], port: UInt16) {
        guard address.count == 4 || address.count == 16 else { return nil }
        self.address = address
        self.port = port
    }

    /// Parses "127.0.0.1" or "::1" with inet_pton.
    public init?(host: String, port: UInt16) {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            self.init(address: withUnsafeBytes(of: &v4) { Array($0) }, port: port)
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            self.init(address: withUnsafeBytes(of: &v6) { Array($0) }, port: port)
            return
        }
        return nil
    }

    public var isIPv6: Bool { address.count == 16 }
    var family: Int32 { isIPv6 ? AF_INET6 : AF_INET }

    public var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = address.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        if isIPv6 {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: address) }
            return withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = port.bigEndian
        withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: address) }
        return withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    init?(storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let sin = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            self.init(address: withUnsafeBytes(of: sin.sin_addr) { Array($0) }, port: UInt16(bigEndian: sin.sin_port))
        case AF_INET6:
            let sin6 = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            self.init(address: withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }, port: UInt16(bigEndian: sin6.sin6_port))
        default:
            return nil
        }
    }
}

/// Non-blocking, close-on-exec sockets and timers for the embedded DNS server.
/// Calls that would block return nil instead of throwing EAGAIN.
public enum DnsSocket {
    /// A UDP socket bound to `address` (port 0 picks a free port; read it with `localAddress`).
    public static func udp(boundTo address: DnsSocketAddress) throws(Errno) -> FileDescriptor {
        let fd = try open(address.family, SOCK_DGRAM, "udp \(address)")
        do {
            try bind(fd, address)
        } catch {
            fd.closeQuietly()
            throw error
        }
        return fd
    }

    /// A listening TCP socket bound to `address`.
    public static func tcpListener(boundTo address: DnsSocketAddress, backlog: Int32 = 128) throws(Errno) -> FileDescriptor {
        let fd = try open(address.family, SOCK_STREAM, "tcp \(address)")
        do {
            var one: Int32 = 1
            try check(setsockopt(fd.rawValue, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)),
                      "setsockopt SO_REUSEADDR", "\(address)")
            try bind(fd, address)
            try check(listen(fd.rawValue, backlog), "listen", "\(address)")
        } catch {
            fd.closeQuietly()
            throw error
        }
        return fd
    }

    /// A UDP socket connected to `peer`, so only the peer's datagrams arrive on it.
    public static func udpConnected(to peer: DnsSocketAddress) throws(Errno) -> FileDescriptor {
        let fd = try open(peer.family, SOCK_DGRAM, "udp \(peer)")
        let result = peer.withSockaddr { Glibc.connect(fd.rawValue, $0, $1) }
        if result == -1 {
            let error = Errno.current("connect", "\(peer)")
            fd.closeQuietly()
            throw error
        }
        return fd
    }

    /// A TCP socket whose connect to `peer` has at least started (EINPROGRESS is not an error).
    public static func tcpConnecting(to peer: DnsSocketAddress) throws(Errno) -> FileDescriptor {
        let fd = try open(peer.family, SOCK_STREAM, "tcp \(peer)")
        let result = peer.withSockaddr { Glibc.connect(fd.rawValue, $0, $1) }
        if result == -1 && clinux_errno() != EINPROGRESS {
            let error = Errno.current("connect", "\(peer)")
            fd.closeQuietly()
            throw error
        }
        return fd
    }

    public static func localAddress(of fd: FileDescriptor) throws(Errno) -> DnsSocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { (pointer) throws(Errno) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(Errno) in
                try check(getsockname(fd.rawValue, raw, &length), "getsockname")
            }
        }
        guard let address = DnsSocketAddress(storage: storage) else { throw Errno(EAFNOSUPPORT, call: "getsockname") }
        return address
    }

    /// One datagram and its sender, or nil when none is waiting.
    public static func receive(
        on fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer
    ) throws(Errno) -> (count: Int, from: DnsSocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let count = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd.rawValue, buffer.baseAddress, buffer.count, 0, $0, &length)
                }
            }
            if count >= 0 {
                guard let from = DnsSocketAddress(storage: storage) else { continue }
                return (count, from)
            }
            switch clinux_errno() {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw Errno.current("recvfrom")
            }
        }
    }

    /// Sends one datagram to `peer`; returns false when the socket buffer is full (the datagram is dropped,
    /// as UDP would drop it anyway).
    @discardableResult
    public static func send(_ bytes: [UInt8], on fd: FileDescriptor, to peer: DnsSocketAddress) throws(Errno) -> Bool {
        while true {
            let count = bytes.withUnsafeBytes { buffer in
                peer.withSockaddr { sendto(fd.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), $0, $1) }
            }
            if count >= 0 { return true }
            switch clinux_errno() {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return false
            default: throw Errno.current("sendto", "\(peer)")
            }
        }
    }

    /// Reads what is available on a connected socket: nil when nothing is waiting, 0 at end of stream.
    public static func read(_ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int? {
        while true {
            let count = recv(fd.rawValue, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            switch clinux_errno() {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw Errno.current("recv")
            }
        }
    }

    /// Writes what the socket accepts now; returns how many bytes that was (0 when it would block).
    public static func write(_ fd: FileDescriptor, _ buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        while true {
            let count = Glibc.send(fd.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return count }
            switch clinux_errno() {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return 0
            default: throw Errno.current("send")
            }
        }
    }

    /// An accepted connection (non-blocking, close-on-exec), or nil when none is pending.
    public static func accept(_ listener: FileDescriptor) throws(Errno) -> FileDescriptor? {
        while true {
            let fd = accept4(listener.rawValue, nil, nil, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
            if fd >= 0 { return FileDescriptor(rawValue: fd) }
            switch clinux_errno() {
            case EINTR, ECONNABORTED: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw Errno.current("accept4")
            }
        }
    }

    /// A one-shot monotonic timerfd that becomes readable after `milliseconds`.
    public static func timer(milliseconds: Int) throws(Errno) -> FileDescriptor {
        let fd = FileDescriptor(rawValue: try check(
            timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK | TFD_CLOEXEC)), "timerfd_create"))
        var spec = itimerspec()
        spec.it_value.tv_sec = milliseconds / 1000
        spec.it_value.tv_nsec = (milliseconds % 1000) * 1_000_000
        if milliseconds <= 0 { spec.it_value.tv_nsec = 1 }
        if timerfd_settime(fd.rawValue, 0, &spec, nil) == -1 {
            let error = Errno.current("timerfd_settime")
            fd.closeQuietly()
            throw error
        }
        return fd
    }

    /// Sets a receive timeout on a blocking socket (used by clients such as the benchmark).
    public static func setReceiveTimeout(_ fd: FileDescriptor, milliseconds: Int) throws(Errno) {
        var value = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        try check(setsockopt(fd.rawValue, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size)),
                  "setsockopt SO_RCVTIMEO")
    }

    private static func open(_ family: Int32, _ type: __socket_type, _ what: String) throws(Errno) -> FileDescriptor {
        let flags = Int32(type.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        return FileDescriptor(rawValue: try check(socket(family, flags, 0), "socket", what))
    }

    private static func bind(_ fd: FileDescriptor, _ address: DnsSocketAddress) throws(Errno) {
        let result = address.withSockaddr { Glibc.bind(fd.rawValue, $0, $1) }
        try check(result, "bind", "\(address)")
    }
}
