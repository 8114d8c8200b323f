import DNS
import Glibc
import Linux

/// A `DNSServer` on a thread of its own with its own `EventLoop`, the way a supervisor runs it, bound to
/// 127.0.0.1 on a port the kernel picks. The sockets are bound before the thread starts, so queries sent
/// at once queue in the kernel instead of failing.
final class InProcessDNSServer {
    let address: DnsSocketAddress
    private let state: ServerThread
    private let stopWriter: FileDescriptor
    private var thread: pthread_t?

    init(tableDirectory: String, network: String) throws(BenchError) {
        guard let loopback = DnsSocketAddress(host: "127.0.0.1", port: 0) else { throw .dns("no loopback address") }
        do {
            let (udp, tcp) = try DNSServer.bindSockets(loopback)
            address = try DnsSocket.localAddress(of: udp)
            let (stopReader, writer) = try FileDescriptor.pipe()
            stopWriter = writer
            state = ServerThread(udp: udp, tcp: tcp, stopReader: stopReader, tableDirectory: tableDirectory, network: network)
        } catch {
            throw .system(what: "bind the DNS server on 127.0.0.1", error)
        }
        var created = pthread_t()
        let code = pthread_create(&created, nil, { raw in
            Unmanaged<ServerThread>.fromOpaque(raw!).takeRetainedValue().serve()
            return nil
        }, Unmanaged.passRetained(state).toOpaque())
        guard code == 0 else {
            Unmanaged.passUnretained(state).release()
            state.closeAll()
            stopWriter.closeQuietly()
            throw .system(what: "start the DNS server thread", Errno(code, call: "pthread_create"))
        }
        thread = created
    }

    /// Stops the loop, joins the thread and closes the sockets; reports an error the loop ended with.
    func stop() throws(BenchError) {
        guard let running = thread else { return }
        thread = nil
        try? stopWriter.writeAll([1])
        pthread_join(running, nil)
        stopWriter.closeQuietly()
        state.closeAll()
        if let failure = state.failure { throw .system(what: "DNS server loop", failure) }
    }

    deinit { try? stop() }
}

/// What the server thread owns. Handed to exactly one thread and read back only after pthread_join,
/// which orders every access; hence the unchecked Sendable.
private final class ServerThread: @unchecked Sendable {
    let udp: FileDescriptor
    let tcp: FileDescriptor
    let stopReader: FileDescriptor
    let tableDirectory: String
    let network: String
    var failure: Errno?

    init(udp: FileDescriptor, tcp: FileDescriptor, stopReader: FileDescriptor, tableDirectory: String, network: String) {
        self.udp = udp
        self.tcp = tcp
        self.stopReader = stopReader
        self.tableDirectory = tableDirectory
        self.network = network
    }

    func serve() {
        do throws(Errno) {
            let loop = try EventLoop()
            let resolver = Resolver(table: NameTableReader(directory: tableDirectory), networks: [network])
            let server = DNSServer(resolver: resolver, upstreams: [])
            try server.attach(udp: udp, tcp: tcp, to: loop)
            defer { server.detach() }
            try loop.register(stopReader) { [unowned loop] _ in loop.stop() }
            defer { loop.unregister(stopReader) }
            try loop.run()
        } catch {
            failure = error
        }
    }

    func closeAll() {
        udp.closeQuietly()
        tcp.closeQuietly()
        stopReader.closeQuietly()
    }
}
