import CLinux
import Glibc

/// A raw netlink datagram socket talking to the kernel (pid 0). Message framing lives in the Netlink module.
public struct NetlinkSocket: Sendable {
    public let descriptor: FileDescriptor

    /// Opens a NETLINK_ROUTE socket in the calling thread's network namespace.
    public static func openRoute() throws(Errno) -> NetlinkSocket {
        try open(protocol: NETLINK_ROUTE, "netlink route")
    }

    /// Opens a NETLINK_NETFILTER socket (nf_tables) in the calling thread's network namespace.
    public static func openNetfilter() throws(Errno) -> NetlinkSocket {
        try open(protocol: NETLINK_NETFILTER, "netlink netfilter")
    }

    private static func open(protocol netlinkProtocol: Int32, _ subject: String) throws(Errno) -> NetlinkSocket {
        let fd = try check(socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkProtocol),
                           "socket", subject)
        let socket = NetlinkSocket(descriptor: FileDescriptor(rawValue: fd))
        // Errors then carry only the failing header, not the whole request echoed back.
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, socklen_t(MemoryLayout<Int32>.size))
        return socket
    }

    public func send(_ message: [UInt8]) throws(Errno) {
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        let length = socklen_t(MemoryLayout<sockaddr_nl>.size)
        var sent = -1
        repeat {
            sent = message.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(descriptor.rawValue, bytes.baseAddress, bytes.count, 0, $0, length)
                    }
                }
            }
        } while sent == -1 && clinux_errno() == EINTR
        try check(sent, "sendto", "netlink")
        if sent != message.count { throw Errno(EMSGSIZE, call: "sendto", subject: "netlink") }
    }

    /// Receives one datagram (possibly several netlink messages) into `buffer`; returns its length.
    public func receive(into buffer: inout [UInt8]) throws(Errno) -> Int {
        var count = -1
        repeat {
            count = buffer.withUnsafeMutableBytes { recv(descriptor.rawValue, $0.baseAddress, $0.count, 0) }
        } while count == -1 && clinux_errno() == EINTR
        return try check(count, "recv", "netlink")
    }

    public func close() { descriptor.closeQuietly() }
}
