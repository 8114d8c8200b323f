import Linux

/// One proxied TCP connection: client <-> backend, each direction spliced through its own pipe.
/// A half-close on one side is passed on (shutdown of the other side's write end); the relay ends when
/// both directions have finished or either side fails.
final class TCPRelay {
    private final class Direction {
        let source: FileDescriptor
        let target: FileDescriptor
        let pipe: (read: FileDescriptor, write: FileDescriptor)
        static let defaultCapacity = 1 << 16
        static let preferredCapacity = 1 << 20
        let capacity: Int
        var pending = 0
        var sourceEnded = false
        var finished = false

        init(source: FileDescriptor, target: FileDescriptor) throws(Errno) {
            self.source = source
            self.target = target
            // Blocking pipes: SPLICE_F_NONBLOCK already makes the pipe side of every splice non-blocking, and
            // four fcntl calls per pipe were a fifth of a short connection's syscalls.
            pipe = try FileDescriptor.pipe()
            // A default 64 KiB pipe makes a fast stream cost two splices per 64 KiB; a bigger one moves
            // whatever the socket has queued at once. Without the room (pipe-user-pages limits) 64 KiB still works.
            capacity = (try? pipe.write.setPipeCapacity(Direction.preferredCapacity)) ?? Direction.defaultCapacity
        }

        /// Moves what it can without blocking.
        func pump() throws(Errno) {
            while !finished {
                if pending > 0 {
                    guard let moved = try InetSocket.splice(from: pipe.read, to: target, length: pending) else { return }
                    pending -= moved
                } else if sourceEnded {
                    InetSocket.shutdownWrite(target)
                    finished = true
                } else {
                    guard let moved = try InetSocket.splice(from: source, to: pipe.write, length: capacity) else { return }
                    if moved == 0 { sourceEnded = true } else { pending += moved }
                }
            }
        }

        func close() {
            pipe.read.closeQuietly()
            pipe.write.closeQuietly()
        }
    }

    private let client: FileDescriptor
    private let backend: FileDescriptor
    private let loop: EventLoop
    private let onFinish: (TCPRelay) -> Void
    private var connected = false
    private var closed = false
    private var upstream: Direction!
    private var downstream: Direction!
    /// What each descriptor is registered for: epoll_ctl only when it changes, which in a steady stream it
    /// rarely does (two syscalls saved per wakeup).
    private var clientInterest: EventLoop.Events = []
    private var backendInterest: EventLoop.Events = []

    init(client: FileDescriptor, backend address: SocketAddress, loop: EventLoop, onFinish: @escaping (TCPRelay) -> Void) throws(Errno) {
        self.client = client
        self.loop = loop
        self.onFinish = onFinish
        backend = try InetSocket.open(family: address.family, .stream)
        do throws(Errno) {
            upstream = try Direction(source: client, target: backend)
            downstream = try Direction(source: backend, target: client)
            connected = try InetSocket.connect(backend, to: address)
            backendInterest = connected ? [] : .writable
            try loop.register(backend, for: backendInterest) { [unowned self] _ in self.service() }
            try loop.register(client, for: clientInterest) { [unowned self] _ in self.service() }
        } catch {
            upstream?.close()
            downstream?.close()
            loop.unregister(backend)
            backend.closeQuietly()
            throw error
        }
        if connected { service() }
    }

    private func service() {
        guard !closed else { return }
        do throws(Errno) {
            if !connected {
                let failure = InetSocket.pendingError(backend)
                if failure != 0 { throw Errno(failure, call: "connect") }
                connected = true
            }
            try upstream.pump()
            try downstream.pump()
            if upstream.finished && downstream.finished { return finish() }
            try watch(client, registered: &clientInterest, for: interest(reading: upstream, writing: downstream))
            try watch(backend, registered: &backendInterest, for: interest(reading: downstream, writing: upstream))
        } catch {
            finish()
        }
    }

    private func watch(_ fd: FileDescriptor, registered: inout EventLoop.Events, for wanted: EventLoop.Events) throws(Errno) {
        guard wanted != registered else { return }
        try loop.modify(fd, for: wanted)
        registered = wanted
    }

    /// Read while this side's outgoing pipe is empty; write while the incoming one holds data.
    private func interest(reading: Direction, writing: Direction) -> EventLoop.Events {
        var events: EventLoop.Events = []
        if reading.pending == 0 && !reading.sourceEnded { events.insert(.readable) }
        if writing.pending > 0 { events.insert(.writable) }
        return events
    }

    private func finish() {
        close()
        onFinish(self)
    }

    func close() {
        guard !closed else { return }
        closed = true
        for fd in [client, backend] {
            loop.unregister(fd)
            fd.closeQuietly()
        }
        upstream.close()
        downstream.close()
    }
}
