import Glibc
import Linux

/// An rtnetlink connection bound to one network namespace: sends requests, waits for acks, collects dumps.
/// Not Sendable: one owner, one thread, requests strictly one after another.
public final class RouteNetlink {
    private let socket: NetlinkSocket
    private var sequence: UInt32 = 0
    private var buffer = [UInt8](repeating: 0, count: 65536)

    /// A connection in the calling thread's current network namespace.
    public init() throws(Errno) {
        socket = try NetlinkSocket.openRoute()
    }

    /// A connection inside the network namespace `namespace` (an fd of `/proc/<pid>/ns/net`), opened without
    /// moving any link: the socket is created while this thread briefly sits in that namespace.
    /// See `NetworkNamespace.withEntered` for the threading requirement.
    public init(namespace: FileDescriptor) throws {
        socket = try NetworkNamespace.withEntered(namespace) { try NetlinkSocket.openRoute() }
    }

    deinit { socket.close() }

    /// Sends `request` with an ack requested; throws the kernel's errno as `Errno(code, call: operation, subject:)`.
    public func execute(_ request: NetlinkRequest, _ operation: String, _ subject: String) throws(Errno) {
        _ = try transact(request, operation, subject, until: .acknowledged)
    }

    /// Sends a dump request and returns every reply message.
    public func dump(_ request: NetlinkRequest, _ operation: String) throws(Errno) -> [NetlinkMessage] {
        try transact(request, operation, "", until: .done)
    }

    /// Sends a get request for one object and returns its reply.
    public func get(_ request: NetlinkRequest, _ operation: String, _ subject: String) throws(Errno) -> NetlinkMessage {
        guard let reply = try transact(request, operation, subject, until: .firstReply).first else {
            throw Errno(ENODATA, call: operation, subject: subject)
        }
        return reply
    }

    private enum End { case acknowledged, done, firstReply }

    private func transact(_ request: NetlinkRequest, _ operation: String, _ subject: String, until end: End) throws(Errno) -> [NetlinkMessage] {
        sequence &+= 1
        var message = request
        message.setSequence(sequence)
        try socket.send(message.message)
        var replies: [NetlinkMessage] = []
        while true {
            let count = try socket.receive(into: &buffer)
            for reply in NetlinkMessage.split(buffer[0..<count]) where reply.sequence == sequence {
                if let code = reply.errorCode {
                    if code != 0 { throw Errno(code, call: operation, subject: subject) }
                    return replies
                }
                if reply.type == NetlinkType.done { return replies }
                replies.append(reply)
                if end == .firstReply { return replies }
            }
        }
    }
}
