import Linux

/// A published UDP port: each client address gets its own socket connected to the backend, so replies
/// find their way back; sessions idle past the proxy's timeout are dropped.
final class UDPRelay {
    private struct Session {
        let socket: FileDescriptor
        var lastActive: Int64
    }

    private let listener: FileDescriptor
    private let backend: SocketAddress
    private let loop: EventLoop
    private var sessions: [SocketAddress: Session] = [:]
    private var buffer = [UInt8](repeating: 0, count: 65536)

    init(listener: FileDescriptor, backend: SocketAddress, loop: EventLoop) {
        self.listener = listener
        self.backend = backend
        self.loop = loop
    }

    func forwardFromClients() {
        while let (count, client) = try? InetSocket.receive(listener, into: &buffer) {
            guard let socket = session(for: client) else { continue }
            InetSocket.send(socket, buffer[0..<count])
        }
    }

    private func session(for client: SocketAddress) -> FileDescriptor? {
        let now = IntervalTimer.now()
        if let existing = sessions[client] {
            sessions[client]?.lastActive = now
            return existing.socket
        }
        do throws(Errno) {
            let socket = try InetSocket.open(family: backend.family, .datagram)
            do throws(Errno) {
                _ = try InetSocket.connect(socket, to: backend)
                try loop.register(socket) { [unowned self] _ in self.forwardToClient(client, from: socket) }
            } catch {
                socket.closeQuietly()
                throw error
            }
            sessions[client] = Session(socket: socket, lastActive: now)
            return socket
        } catch {
            return nil
        }
    }

    private func forwardToClient(_ client: SocketAddress, from socket: FileDescriptor) {
        while let (count, _) = try? InetSocket.receive(socket, into: &buffer) {
            sessions[client]?.lastActive = IntervalTimer.now()
            InetSocket.send(listener, buffer[0..<count], to: client)
        }
    }

    func dropSessions(idleSince cutoff: Int64) {
        for (client, session) in sessions where session.lastActive < cutoff {
            loop.unregister(session.socket)
            session.socket.closeQuietly()
            sessions[client] = nil
        }
    }

    func close() {
        dropSessions(idleSince: .max)
    }
}
