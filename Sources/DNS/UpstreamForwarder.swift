import Linux

/// Sends queries the resolver does not own to upstream servers without blocking the event loop: one
/// connected non-blocking UDP socket and one timerfd per query in flight, upstreams tried in order.
/// The supervisor runs in the host network namespace, so upstreams such as 127.0.0.53 stay reachable.
final class UpstreamForwarder {
    typealias Reply = ([UInt8]) -> Void

    private struct Pending {
        let query: DNSMessage
        let bytes: [UInt8]
        var upstream: Int
        var socket: FileDescriptor
        var timer: FileDescriptor
        let reply: Reply
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

    var inFlight: Int { pending.count }

    func forward(_ query: DNSMessage, bytes: [UInt8], on loop: EventLoop, reply: @escaping Reply) {
        guard pending.count < maxInFlight else { return fail(query, reply) }
        send(query, bytes: bytes, startingAt: 0, on: loop, reply: reply)
    }

    /// Drops every query in flight: the server is going away.
    func cancelAll(on loop: EventLoop) {
        for key in Array(pending.keys) { _ = finish(key, on: loop) }
    }

    private func send(_ query: DNSMessage, bytes: [UInt8], startingAt first: Int, on loop: EventLoop,
                      reply: @escaping Reply) {
        for index in first..<upstreams.count {
            guard let socket = try? DnsSocket.udpConnected(to: upstreams[index]) else { continue }
            guard let timer = try? DnsSocket.timer(milliseconds: timeoutMilliseconds) else {
                socket.closeQuietly()
                break
            }
            let key = socket.rawValue
            var sent = false
            do {
                try loop.register(socket) { [weak self, unowned loop] _ in self?.receive(key, on: loop) }
                try loop.register(timer) { [weak self, unowned loop] _ in self?.timedOut(key, on: loop) }
                let written = try bytes.withUnsafeBytes { (raw) throws(Errno) in try DnsSocket.write(socket, raw) }
                sent = written == bytes.count
            } catch {
                sent = false
            }
            guard sent else {
                loop.unregister(socket)
                loop.unregister(timer)
                socket.closeQuietly()
                timer.closeQuietly()
                continue
            }
            pending[key] = Pending(query: query, bytes: bytes, upstream: index, socket: socket, timer: timer,
                                   reply: reply)
            return
        }
        fail(query, reply)
    }

    private func receive(_ key: Int32, on loop: EventLoop) {
        guard let entry = pending[key] else { return }
        var buffer = [UInt8](repeating: 0, count: 65535)
        while true {
            let count: Int?
            do {
                count = try buffer.withUnsafeMutableBytes { (raw) throws(Errno) in try DnsSocket.read(entry.socket, into: raw) }
            } catch {
                // ECONNREFUSED and friends: this upstream is not there; try the next one now.
                return retry(key, on: loop)
            }
            guard let count else { return }
            let response = Array(buffer[0..<count])
            // The socket is connected, so only the upstream can answer; still match the id and QR bit.
            guard count >= 12, response[0] == UInt8(entry.query.id >> 8), response[1] == UInt8(entry.query.id & 0xff),
                  response[2] & 0x80 != 0 else { continue }
            _ = finish(key, on: loop)
            entry.reply(response)
            return
        }
    }

    private func timedOut(_ key: Int32, on loop: EventLoop) { retry(key, on: loop) }

    private func retry(_ key: Int32, on loop: EventLoop) {
        guard let entry = finish(key, on: loop) else { return }
        send(entry.query, bytes: entry.bytes, startingAt: entry.upstream + 1, on: loop, reply: entry.reply)
    }

    private func finish(_ key: Int32, on loop: EventLoop) -> Pending? {
        guard let entry = pending.removeValue(forKey: key) else { return nil }
        loop.unregister(entry.socket)
        loop.unregister(entry.timer)
        entry.socket.closeQuietly()
        entry.timer.closeQuietly()
        return entry
    }

    private func fail(_ query: DNSMessage, _ reply: Reply) {
        reply(DNSMessage.response(to: query, code: .serverFailure).encoded())
    }
}
