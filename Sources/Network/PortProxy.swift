import Glibc
import Linux
import NetAddress

/// Userland relay for published ports, in the host's network namespace, driven by the supervisor's
/// single-threaded `EventLoop`. TCP relays with splice through a pipe per direction (no copy through user
/// space); UDP keeps one connected socket per client and drops sessions idle for `udpIdleTimeout`.
/// No iptables, no forwarding: the container is only reached through these sockets.
public final class PortProxy {
    private let loop: EventLoop
    private let udpIdleTimeout: Int64
    private var listeners: [FileDescriptor] = []
    private var connections: [ObjectIdentifier: TCPRelay] = [:]
    private var udpRelays: [UDPRelay] = []
    private var timer: FileDescriptor?

    public init(loop: EventLoop, udpIdleTimeoutMilliseconds: Int64 = 30_000) {
        self.loop = loop
        udpIdleTimeout = udpIdleTimeoutMilliseconds
    }

    deinit { close() }

    /// Starts listening for `port`. Without a host IP it listens on 0.0.0.0 and on :: (V6ONLY) with one
    /// port number; host port 0 takes the port the kernel picks for the first socket, and when that number
    /// is busy for the other family, another one for both.
    public func publish(_ port: PublishedPort) throws(NetworkError) -> [BoundPort] {
        // Sockets on rejected random ports stay open until the end, so the kernel never offers them again.
        var rejected: [FileDescriptor] = []
        defer { rejected.forEach { $0.closeQuietly() } }
        while true {
            do throws(Errno) {
                return try publishOnce(port, rejecting: &rejected)
            } catch where port.hostPort == 0 && error.code == EADDRINUSE && rejected.count < 64 {
                continue
            } catch {
                throw .system(context: "publish port \(port.hostIP?.description ?? "*"):\(port.hostPort) -> \(port.containerPort)/\(port.transport.rawValue)", error)
            }
        }
    }

    /// Binds every family of `port` or none. When a later family finds a random port busy, the first
    /// family's socket goes to `rejected` instead of being closed.
    private func publishOnce(_ port: PublishedPort, rejecting rejected: inout [FileDescriptor]) throws(Errno) -> [BoundPort] {
        let hosts: [IPAddress] = port.hostIP.map { [$0] } ?? [.v4(.any), .v6(.any)]
        let backend = SocketAddress(address: port.containerIP.bytes, port: port.containerPort)
        var bound: [BoundPort] = []
        var hostPort = port.hostPort
        do throws(Errno) {
            for host in hosts {
                let kind: InetSocket.Kind = port.transport == .tcp ? .stream : .datagram
                let listener: FileDescriptor
                do throws(Errno) {
                    listener = try InetSocket.listener(SocketAddress(address: host.bytes, port: hostPort), kind)
                } catch where host == hosts.last && hosts.count > 1 && (error.code == EAFNOSUPPORT || error.code == EADDRNOTAVAIL) {
                    continue  // The host has no IPv6: IPv4 alone serves.
                }
                do throws(Errno) { hostPort = try InetSocket.localAddress(listener).port } catch {
                    listener.closeQuietly()
                    throw error
                }
                listeners.append(listener)
                bound.append(BoundPort(hostIP: host, hostPort: hostPort, published: port))
                if port.transport == .tcp {
                    try loop.register(listener) { [unowned self] _ in self.acceptAll(listener, backend: backend) }
                } else {
                    let relay = UDPRelay(listener: listener, backend: backend, loop: loop)
                    udpRelays.append(relay)
                    try loop.register(listener) { [unowned relay] _ in relay.forwardFromClients() }
                    try startTimerIfNeeded()
                }
            }
        } catch {
            // All or nothing: a port published on 0.0.0.0 but not on :: would confuse `ps` and `port`.
            let keep = port.hostPort == 0 && error.code == EADDRINUSE
            for listener in listeners.suffix(bound.count) {
                loop.unregister(listener)
                if keep { rejected.append(listener) } else { listener.closeQuietly() }
            }
            listeners.removeLast(bound.count)
            if port.transport == .udp { udpRelays.removeLast(bound.count) }
            throw error
        }
        return bound
    }

    /// Stops listening and drops every relayed connection and session.
    public func close() {
        for listener in listeners {
            loop.unregister(listener)
            listener.closeQuietly()
        }
        listeners = []
        for relay in connections.values { relay.close() }
        connections = [:]
        for relay in udpRelays { relay.close() }
        udpRelays = []
        if let timer {
            loop.unregister(timer)
            timer.closeQuietly()
        }
        timer = nil
    }

    private func acceptAll(_ listener: FileDescriptor, backend: SocketAddress) {
        while let client = try? InetSocket.accept(listener) {
            do {
                let relay = try TCPRelay(client: client, backend: backend, loop: loop) { [unowned self] finished in
                    self.connections[ObjectIdentifier(finished)] = nil
                }
                connections[ObjectIdentifier(relay)] = relay
            } catch {
                // The container refused or is gone: the client sees its connection closed.
                client.closeQuietly()
            }
        }
    }

    private func startTimerIfNeeded() throws(Errno) {
        guard timer == nil else { return }
        let fd = try IntervalTimer.open(milliseconds: Int32(clamping: max(100, min(udpIdleTimeout / 2, 5000))))
        timer = fd
        try loop.register(fd) { [unowned self] _ in
            IntervalTimer.acknowledge(fd)
            let cutoff = IntervalTimer.now() - self.udpIdleTimeout
            for relay in self.udpRelays { relay.dropSessions(idleSince: cutoff) }
        }
    }
}
