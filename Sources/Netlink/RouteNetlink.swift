import Glibc
import Linux

/// An rtnetlink connection bound to one network namespace: sends requests, waits for acks, collects dumps.
/// Not Sendable: one owner, one thread, requests strictly one after another.
public final class RouteNetlink {
    private let transport: NetlinkTransport

    /// A connection in the calling thread's current network namespace.
    public init() throws(Errno) {
        transport = NetlinkTransport(try NetlinkSocket.openRoute())
    }

    /// A connection inside the network namespace `namespace` (an fd of `/proc/<pid>/ns/net`), opened without
    /// moving any link: the socket is created while this thread briefly sits in that namespace.
    /// See `NetworkNamespace.withEntered` for the threading requirement.
    public init(namespace: FileDescriptor) throws {
        transport = NetlinkTransport(try NetworkNamespace.withEntered(namespace) { try NetlinkSocket.openRoute() })
    }

    /// Sends `request` with an ack requested; throws the kernel's errno as `Errno(code, call: operation, subject:)`.
    public func execute(_ request: NetlinkRequest, _ operation: String, _ subject: String) throws(Errno) {
        _ = try transport.transact(request, operation, subject, until: .acknowledged)
    }

    /// Sends a dump request and returns every reply message.
    public func dump(_ request: NetlinkRequest, _ operation: String) throws(Errno) -> [NetlinkMessage] {
        try transport.transact(request, operation, "", until: .done)
    }

    /// Sends a get request for one object and returns its reply.
    public func get(_ request: NetlinkRequest, _ operation: String, _ subject: String) throws(Errno) -> NetlinkMessage {
        guard let reply = try transport.transact(request, operation, subject, until: .firstReply).first else {
            throw Errno(ENODATA, call: operation, subject: subject)
        }
        return reply
    }
}
