import Glibc
import Linux

/// One netlink socket and its request/reply bookkeeping: sequence numbers, acks, dumps, batches.
/// Shared by `RouteNetlink` and `NetfilterNetlink`; one owner, one thread, requests strictly one after another.
final class NetlinkTransport {
    private let socket: NetlinkSocket
    private var sequence: UInt32 = 0
    private var buffer = [UInt8](repeating: 0, count: 65536)

    init(_ socket: NetlinkSocket) {
        self.socket = socket
    }

    deinit { socket.close() }

    enum End { case acknowledged, done, firstReply }

    func transact(_ request: NetlinkRequest, _ operation: String, _ subject: String, until end: End) throws(Errno) -> [NetlinkMessage] {
        sequence &+= 1
        var message = request
        message.setSequence(sequence)
        try socket.send(message.message)
        var replies: [NetlinkMessage] = []
        while true {
            for reply in try receive() where reply.sequence == sequence {
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

    /// Sends `requests` between `begin` and `end` in one datagram and waits for an ack of each request
    /// (each must ask for one); the first error names the request's `subject`.
    func batch(begin: NetlinkRequest, _ requests: [(request: NetlinkRequest, subject: String)], end: NetlinkRequest,
               _ operation: String) throws(Errno) {
        let first = sequence &+ 1
        var datagram: [UInt8] = []
        for var message in [begin] + requests.map(\.request) + [end] {
            sequence &+= 1
            message.setSequence(sequence)
            datagram += message.message
        }
        try socket.send(datagram)
        var acknowledged = 0
        while acknowledged < requests.count {
            for reply in try receive() {
                let position = Int(reply.sequence &- first)
                guard position >= 0, position <= requests.count + 1, let code = reply.errorCode else { continue }
                if code != 0 {
                    let subject = (1...requests.count).contains(position) ? requests[position - 1].subject : "batch"
                    throw Errno(code, call: operation, subject: subject)
                }
                acknowledged += 1
            }
        }
    }

    private func receive() throws(Errno) -> [NetlinkMessage] {
        let count = try socket.receive(into: &buffer)
        return NetlinkMessage.split(buffer[0..<count])
    }
}
