import Linux

/// Sends queries the resolver does not own to upstream servers without blocking the event loop: one
/// connected non-blocking socket and one timerfd per query in flight, upstreams tried in order.
/// A truncated UDP answer for a TCP client is fetched again over TCP from the same upstream.
/// The supervisor runs in the host network namespace, so upstreams such as 127.0.0.53 stay reachable.
final class UpstreamForwarder {
    typealias Reply = ([UInt8]) -> Void

    private enum Transport {
        case udp(FileDescriptor)
        /// Carries the truncated UDP answer to fall back on if TCP fails.
        case tcp(DNSTCPConnection, truncated: [UInt8])

        var fd: FileDescriptor {
            switch self {
            case .udp(let fd): fd
            case .tcp(let connection, _): connection.fd
            }
        }
    }

    /// One client query: what to send, to which upstream, and where the answer goes.
    private struct Request {
        let query: DNSMessage
        let bytes: [UInt8]
        let wantsFullAnswer: Bool
        var upstream: Int
        let reply: Reply
    }

    private struct Pending {
        let request: Request
        let transport: Transport
        let timer: FileDescriptor
    }

    let upstreams: [DnsSocketAddress]
    let timeoutMilliseconds: Int
    /// Bounds the descriptors a flood of queries can pin; beyond it queries fail fast with SERVFAIL.
    let maxInFlight: Int
    private var pending: [Int32: Pending] = [:]

    init(upstreams: [DnsSocketAddress], timeoutMilliseconds: Int, maxInFlight: Int = 256) {
        self.upstreams = upstreams
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxInFlight = maxInFlight
    }

    /// Forwards `bytes` (the client's query, OPT record included) and calls `reply` exactly once.
    /// `wantsFullAnswer` is set for TCP clients, which must not receive a truncated answer.
    func forward(_ query: DNSMessage, bytes: [UInt8], wantsFullAnswer: Bool, on loop: EventLoop,
                 reply: @escaping Reply) {
        guard pending.count < maxInFlight else { return fail(query, reply) }
        sendUDP(Request(query: query, bytes: bytes, wantsFullAnswer: wantsFullAnswer, upstream: 0, reply: reply), on: loop)
    }

    /// Drops every query in flight: the server is going away.
    func cancelAll(on loop: EventLoop) {
        for key in Array(pending.keys) { _ = finish(key, on: loop) }
    }

    /// Tries the request's upstream and those after it; SERVFAIL when none takes the query.
    private func sendUDP(_ request: Request, on loop: EventLoop) {
        var request = request
        while request.upstream < upstreams.count {
            if let socket = try? DnsSocket.udpConnected(to: upstreams[request.upstream]) {
                let written = try? request.bytes.withUnsafeBytes { (raw) throws(Errno) in try DnsSocket.write(socket, raw) }
                if written == request.bytes.count && start(request, .udp(socket), events: .readable, on: loop) { return }
                socket.closeQuietly()
            }
            request.upstream += 1
        }
        fail(request.query, request.reply)
    }

    /// Registers a transport and its timeout; false when that fails (the caller still owns the transport).
    private func start(_ request: Request, _ transport: Transport, events: EventLoop.Events, on loop: EventLoop) -> Bool {
        guard let timer = try? DnsSocket.timer(milliseconds: timeoutMilliseconds) else { return false }
        let key = transport.fd.rawValue
        do {
            try loop.register(transport.fd, for: events) { [weak self, unowned loop] events in
                self?.ready(key, events, on: loop)
            }
            try loop.register(timer) { [weak self, unowned loop] _ in self?.timedOut(key, on: loop) }
        } catch {
            loop.unregister(transport.fd)
            timer.closeQuietly()
            return false
        }
        pending[key] = Pending(request: request, transport: transport, timer: timer)
        return true
    }

    private func ready(_ key: Int32, _ events: EventLoop.Events, on loop: EventLoop) {
        guard let entry = pending[key] else { return }
        switch entry.transport {
        case .udp(let socket):
            receiveDatagrams(entry, socket, key, on: loop)
        case .tcp(let connection, let truncated):
            if events.contains(.writable) {
                guard connection.flush() else { return giveUp(key, with: truncated, on: loop) }
                if !connection.hasPendingOutput { try? loop.modify(connection.fd, for: .readable) }
            }
            guard events.contains(.readable) || events.contains(.hangup) || events.contains(.error) else { return }
            guard let (messages, open) = connection.readMessages() else { return giveUp(key, with: truncated, on: loop) }
            if let answer = messages.first(where: { matches($0, entry.request.query) }) {
                _ = finish(key, on: loop)
                entry.request.reply(answer)
            } else if !open {
                giveUp(key, with: truncated, on: loop)
            }
        }
    }

    private func receiveDatagrams(_ entry: Pending, _ socket: FileDescriptor, _ key: Int32, on loop: EventLoop) {
        var buffer = [UInt8](repeating: 0, count: 65535)
        while true {
            let count: Int?
            do {
                count = try buffer.withUnsafeMutableBytes { (raw) throws(Errno) in try DnsSocket.read(socket, into: raw) }
            } catch {
                // ECONNREFUSED and friends: this upstream is not there; try the next one now.
                return retry(key, on: loop)
            }
            guard let count else { return }
            let response = Array(buffer[0..<count])
            // The socket is connected, so only the upstream can answer; still match the id and QR bit.
            guard matches(response, entry.request.query) else { continue }
            _ = finish(key, on: loop)
            if entry.request.wantsFullAnswer && response[2] & 0x02 != 0 {
                return refetchOverTCP(entry.request, truncated: response, on: loop)
            }
            return entry.request.reply(response)
        }
    }

    private func refetchOverTCP(_ request: Request, truncated: [UInt8], on loop: EventLoop) {
        guard let fd = try? DnsSocket.tcpConnecting(to: upstreams[request.upstream]) else {
            return request.reply(truncated)
        }
        let connection = DNSTCPConnection(fd: fd, serial: 0)
        // Still connecting: the framed query waits in the buffer until the socket turns writable.
        if connection.send(request.bytes),
           start(request, .tcp(connection, truncated: truncated), events: [.readable, .writable], on: loop) {
            return
        }
        fd.closeQuietly()
        request.reply(truncated)
    }

    private func matches(_ response: [UInt8], _ query: DNSMessage) -> Bool {
        response.count >= 12 && response[0] == UInt8(query.id >> 8) && response[1] == UInt8(query.id & 0xff)
            && response[2] & 0x80 != 0
    }

    private func timedOut(_ key: Int32, on loop: EventLoop) {
        guard let entry = pending[key] else { return }
        if case .tcp(_, let truncated) = entry.transport { return giveUp(key, with: truncated, on: loop) }
        retry(key, on: loop)
    }

    private func retry(_ key: Int32, on loop: EventLoop) {
        guard var request = finish(key, on: loop)?.request else { return }
        request.upstream += 1
        sendUDP(request, on: loop)
    }

    /// TCP to the upstream failed: the truncated answer is still better than none.
    private func giveUp(_ key: Int32, with truncated: [UInt8], on loop: EventLoop) {
        finish(key, on: loop)?.request.reply(truncated)
    }

    private func finish(_ key: Int32, on loop: EventLoop) -> Pending? {
        guard let entry = pending.removeValue(forKey: key) else { return nil }
        loop.unregister(entry.transport.fd)
        loop.unregister(entry.timer)
        entry.transport.fd.closeQuietly()
        entry.timer.closeQuietly()
        return entry
    }

    private func fail(_ query: DNSMessage, _ reply: Reply) {
        reply(DNSMessage.response(to: query, code: .serverFailure).encoded())
    }
}
