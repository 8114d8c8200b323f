import CLinux
import Glibc

/// An IPv4 or IPv6 socket address (sockaddr_in / sockaddr_in6) held as bytes, so it can be a dictionary key.
public struct SocketAddress: Hashable, Sendable {
    public let storage: [UInt8]

    /// `address` is 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public init(address: [UInt8], port: UInt16) {
        if address.count == 4 {
            var value = sockaddr_in()
            value.sin_family = sa_family_t(AF_INET)
            value.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &value.sin_addr) { $0.copyBytes(from: address) }
            storage = withUnsafeBytes(of: value) { Array($0) }
        } else {
            var value = sockaddr_in6()
            value.sin6_family = sa_family_t(AF_INET6)
            value.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &value.sin6_addr) { $0.copyBytes(from: address.prefix(16)) }
            storage = withUnsafeBytes(of: value) { Array($0) }
        }
    }

    init(raw: UnsafeRawBufferPointer) { storage = Array(raw) }

    public var family: Int32 { storage.count >= 2 ? Int32(storage.withUnsafeBytes { $0.load(as: sa_family_t.self) }) : 0 }
    public var isIPv4: Bool { family == AF_INET }

    /// The address bytes (4 or 16), network order.
    public var address: [UInt8] { isIPv4 ? Array(storage[4..<8]) : Array(storage[8..<24]) }
    public var port: UInt16 { UInt16(storage[2]) << 8 | UInt16(storage[3]) }

    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        storage.withUnsafeBytes { body($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count)) }
    }
}

/// Thin non-blocking TCP/UDP socket calls for the port proxy. Every socket is non-blocking and close-on-exec;
/// calls that would block return nil instead of throwing.
public enum InetSocket {
    public enum Kind: Sendable { case stream, datagram }

    public static func open(family: Int32, _ kind: Kind) throws(Errno) -> FileDescriptor {
        let type = (kind == .stream ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue))
            | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        return FileDescriptor(rawValue: try check(socket(family, type, 0), "socket"))
    }

    /// A bound (and, for streams, listening) socket. IPv6 sockets are V6ONLY so `::` and `0.0.0.0` coexist.
    public static func listener(_ address: SocketAddress, _ kind: Kind) throws(Errno) -> FileDescriptor {
        let fd = try open(family: address.family, kind)
        do throws(Errno) {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            if !address.isIPv4 { try setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1) }
            try check(address.withSockaddr { Glibc.bind(fd.rawValue, $0, $1) }, "bind", "port \(address.port)")
            if kind == .stream { try check(Glibc.listen(fd.rawValue, 512), "listen", "port \(address.port)") }
        } catch {
            fd.closeQuietly()
            throw error
        }
        return fd
    }

    public static func setOption(_ fd: FileDescriptor, _ level: Int32, _ name: Int32, _ value: Int32) throws(Errno) {
        var value = value
        try check(setsockopt(fd.rawValue, level, name, &value, socklen_t(MemoryLayout<Int32>.size)), "setsockopt")
    }

    public static func localAddress(_ fd: FileDescriptor) throws(Errno) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd.rawValue, $0, &length) }
        }
        try check(result, "getsockname")
        return withUnsafeBytes(of: storage) { SocketAddress(raw: UnsafeRawBufferPointer(rebasing: $0[0..<Int(length)])) }
    }

    /// An accepted connection, or nil when none is waiting.
    public static func accept(_ fd: FileDescriptor) throws(Errno) -> FileDescriptor? {
        var peer = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let result = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept4(fd.rawValue, $0, &length, flags) }
        }
        if result >= 0 { return FileDescriptor(rawValue: result) }
        let code = clinux_errno()
        if code == EAGAIN || code == EINTR || code == ECONNABORTED { return nil }
        throw Errno(code, call: "accept")
    }

    /// Starts a connection; true when already connected, false while in progress (wait for writable).
    public static func connect(_ fd: FileDescriptor, to address: SocketAddress) throws(Errno) -> Bool {
        if address.withSockaddr({ Glibc.connect(fd.rawValue, $0, $1) }) == 0 { return true }
        let code = clinux_errno()
        if code == EINPROGRESS || code == EINTR { return false }
        throw Errno(code, call: "connect", subject: "port \(address.port)")
    }

    /// The pending error of a socket (SO_ERROR), 0 when none: how a non-blocking connect reports its result.
    public static func pendingError(_ fd: FileDescriptor) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd.rawValue, SOL_SOCKET, SO_ERROR, &value, &length) == 0 ? value : clinux_errno()
    }

    public static func shutdownWrite(_ fd: FileDescriptor) { _ = shutdown(fd.rawValue, Int32(SHUT_WR)) }

    /// One datagram and its sender, or nil when none is waiting.
    public static func receive(_ fd: FileDescriptor, into buffer: inout [UInt8]) throws(Errno) -> (count: Int, from: SocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = buffer.withUnsafeMutableBytes { bytes in
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd.rawValue, bytes.baseAddress, bytes.count, 0, $0, &length) }
            }
        }
        if count < 0 {
            let code = clinux_errno()
            if code == EAGAIN || code == EINTR || code == ECONNREFUSED { return nil }
            throw Errno(code, call: "recvfrom")
        }
        let from = withUnsafeBytes(of: storage) { SocketAddress(raw: UnsafeRawBufferPointer(rebasing: $0[0..<Int(length)])) }
        return (count, from)
    }

    /// Sends one datagram, to `address` or the connected peer; a full buffer drops it, as UDP may.
    public static func send(_ fd: FileDescriptor, _ bytes: ArraySlice<UInt8>, to address: SocketAddress? = nil) {
        bytes.withUnsafeBytes { buffer in
            if let address {
                _ = address.withSockaddr { sendto(fd.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), $0, $1) }
            } else {
                _ = Glibc.send(fd.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            }
        }
    }

    /// Moves up to `length` bytes between descriptors (one must be a pipe) without copying through user
    /// space. Returns nil when either side would block, 0 at end of input.
    public static func splice(from source: FileDescriptor, to target: FileDescriptor, length: Int) throws(Errno) -> Int? {
        let moved = clinux_splice(source.rawValue, target.rawValue, length, clinux_splice_nonblock_move())
        if moved >= 0 { return moved }
        let code = clinux_errno()
        if code == EAGAIN || code == EINTR { return nil }
        throw Errno(code, call: "splice")
    }
}

/// A periodic monotonic timer descriptor for an `EventLoop`.
public enum IntervalTimer {
    public static func open(milliseconds: Int32) throws(Errno) -> FileDescriptor {
        FileDescriptor(rawValue: try check(clinux_timerfd_interval(milliseconds), "timerfd_create"))
    }

    /// Reads the expiration count so the descriptor stops being readable.
    public static func acknowledge(_ fd: FileDescriptor) {
        var expirations: UInt64 = 0
        _ = Glibc.read(fd.rawValue, &expirations, 8)
    }

    /// Monotonic milliseconds, for idle bookkeeping.
    public static func now() -> Int64 { Int64(Clock.monotonic() * 1000) }
}
