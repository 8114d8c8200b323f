import Linux

/// The embedded DNS server for one container: UDP and TCP on sockets the caller binds (127.0.0.11:53 in
/// the container's netns), answers from its `Resolver`, everything else forwarded upstream. It runs on a
/// caller's single-threaded `EventLoop` and never blocks it.
public final class DNSServer {
    public let resolver: Resolver
    private let forwarder: UpstreamForwarder
    private var attached: (udp: FileDescriptor, tcp: FileDescriptor, loop: EventLoop)?
    private var connections: [Int32: DNSTCPConnection] = [:]
    /// Accepted connections beyond this close the oldest one, so idle clients cannot exhaust descriptors.
    public var maxConnections = 64
    private var nextSerial = 0
    private var buffer = [UInt8](repeating: 0, count: 65535)

    public init(resolver: Resolver, upstreams: [DnsSocketAddress], upstreamTimeoutMilliseconds: Int = 2000) {
        self.resolver = resolver
        forwarder = UpstreamForwarder(upstreams: upstreams, timeoutMilliseconds: upstreamTimeoutMilliseconds)
    }

    /// Binds a UDP socket and a listening TCP socket on the same address and port; port 0 takes the port
    /// the kernel picks for UDP. The supervisor calls this inside the container's netns with 127.0.0.11:53.
    public static func bindSockets(_ address: DnsSocketAddress) throws(Errno) -> (udp: FileDescriptor, tcp: FileDescriptor) {
        let udp = try DnsSocket.udp(boundTo: address)
        do {
            let tcp = try DnsSocket.tcpListener(boundTo: try DnsSocket.localAddress(of: udp))
            return (udp, tcp)
        } catch {
            udp.closeQuietly()
            throw error
        }
    }

    /// Serves on `udp` (a bound datagram socket) and `tcp` (a listening stream socket) from `loop`.
    /// Both are made non-blocking; the caller keeps ownership and closes them after `detach`.
    public func attach(udp: FileDescriptor, tcp: FileDescriptor, to loop: EventLoop) throws(Errno) {
        try udp.setNonBlocking()
        try tcp.setNonBlocking()
        try loop.register(udp) { [weak self] _ in self?.readDatagrams() }
        do {
            try loop.register(tcp) { [weak self] _ in self?.acceptConnections() }
        } catch {
            loop.unregister(udp)
            throw error
        }
        attached = (udp, tcp, loop)
    }

    /// Stops serving: unregisters the sockets, closes accepted connections and drops forwarded queries.
    public func detach() {
        guard let (udp, tcp, loop) = attached else { return }
        loop.unregister(udp)
        loop.unregister(tcp)
        for key in Array(connections.keys) { close(key) }
        forwarder.cancelAll(on: loop)
        attached = nil
    }

    /// Answers one query's bytes; the reply arrives through `reply`, at once or after forwarding.
    /// UDP replies are cut to the size the client accepts; TCP replies never are.
    func handle(_ bytes: [UInt8], overUDP: Bool, reply: @escaping ([UInt8]) -> Void) {
        let query: DNSMessage
        do {
            query = try DNSMessage(decoding: bytes)
        } catch {
            // Without a readable header there is nobody to answer.
            guard bytes.count >= 12 else { return }
            var response = DNSMessage(id: UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
            response.flags.isResponse = true
            response.flags.responseCode = .formatError
            return reply(response.encoded())
        }
        if query.flags.isResponse { return }
        switch resolver.resolve(query) {
        case .answer(let response):
            reply(overUDP ? response.encoded(limit: query.udpResponseLimit) : response.encoded())
        case .forward:
            guard let loop = attached?.loop else { return }
            forwarder.forward(query, bytes: bytes, wantsFullAnswer: !overUDP, on: loop, reply: reply)
        }
    }

    private func readDatagrams() {
        guard let udp = attached?.udp else { return }
        // A bounded batch keeps TCP clients and forwarded replies from starving under a UDP flood.
        for _ in 0..<64 {
            let received = try? buffer.withUnsafeMutableBytes { (raw) throws(Errno) in try DnsSocket.receive(on: udp, into: raw) }
            guard let (count, client) = received ?? nil else { return }
            handle(Array(buffer[0..<count]), overUDP: true) { response in
                _ = try? DnsSocket.send(response, on: udp, to: client)
            }
        }
    }

    private func acceptConnections() {
        guard let (_, tcp, loop) = attached else { return }
        while let fd = (try? DnsSocket.accept(tcp)) ?? nil {
            if connections.count >= maxConnections, let oldest = connections.min(by: { $0.value.serial < $1.value.serial }) {
                close(oldest.key)
            }
            let key = fd.rawValue
            let connection = DNSTCPConnection(fd: fd, serial: nextSerial)
            nextSerial += 1
            do {
                try loop.register(fd) { [weak self] events in self?.service(key, events) }
            } catch {
                fd.closeQuietly()
                continue
            }
            connections[key] = connection
        }
    }

    private func service(_ key: Int32, _ events: EventLoop.Events) {
        guard let connection = connections[key] else { return }
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) {
            guard let (queries, open) = connection.readMessages() else { return close(key) }
            // A client that closed its side still gets the answers that can be given now.
            defer { if !open { close(key) } }
            for query in queries {
                handle(query, overUDP: false) { [weak self, weak connection] response in
                    guard let self, let connection, self.connections[key] === connection else { return }
                    if !connection.send(response) { self.close(key) } else { self.watchWrites(key) }
                }
            }
        }
        if events.contains(.writable) {
            if !connection.flush() { return close(key) }
            watchWrites(key)
        }
    }

    /// Asks for writability only while a reply is waiting, so an idle connection costs no wakeups.
    private func watchWrites(_ key: Int32) {
        guard let connection = connections[key], let loop = attached?.loop else { return }
        let wantsWrite = connection.hasPendingOutput
        guard wantsWrite != connection.watchingWrites else { return }
        connection.watchingWrites = wantsWrite
        if (try? loop.modify(connection.fd, for: wantsWrite ? [.readable, .writable] : .readable)) == nil { close(key) }
    }

    private func close(_ key: Int32) {
        guard let connection = connections.removeValue(forKey: key) else { return }
        attached?.loop.unregister(connection.fd)
        connection.fd.closeQuietly()
    }
}
