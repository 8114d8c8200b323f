import Glibc
import Linux
@testable import DNS

/// A fresh directory under /tmp, removed by the caller's `defer`.
func temporaryDirectory() -> String {
    var template = Array("/tmp/swcompose-dns-test-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    return path
}

private final class ThreadBody {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// Runs `body` on a new thread; join it with `pthread_join`.
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { raw in
        Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
        return nil
    }, context)
    precondition(result == 0, "pthread_create failed: \(result)")
    return thread
}

/// A `DNSServer` on 127.0.0.1 with kernel-chosen ports, driven by an `EventLoop` on its own thread,
/// as the supervisor would drive it.
final class RunningServer: Sendable {
    let udpAddress: DnsSocketAddress
    let tcpAddress: DnsSocketAddress
    private let udp: FileDescriptor
    private let tcp: FileDescriptor
    private let stopWriter: FileDescriptor
    private let thread: pthread_t

    init(table directory: String, networks: [String], upstreams: [DnsSocketAddress] = [],
         upstreamTimeoutMilliseconds: Int = 2000) throws {
        let loopback = DnsSocketAddress(host: "127.0.0.1", port: 0)!
        (udp, tcp) = try DNSServer.bindSockets(loopback)
        udpAddress = try DnsSocket.localAddress(of: udp)
        tcpAddress = try DnsSocket.localAddress(of: tcp)
        let (stopReader, stopWriter) = try FileDescriptor.pipe()
        self.stopWriter = stopWriter
        let (udp, tcp) = (udp, tcp)
        thread = startThread {
            do {
                let loop = try EventLoop()
                let resolver = Resolver(table: NameTableReader(directory: directory), networks: networks)
                let server = DNSServer(resolver: resolver, upstreams: upstreams,
                                       upstreamTimeoutMilliseconds: upstreamTimeoutMilliseconds)
                try server.attach(udp: udp, tcp: tcp, to: loop)
                try loop.register(stopReader) { _ in
                    server.detach()
                    loop.unregister(stopReader)
                    loop.stop()
                }
                try loop.run()
            } catch {
                print("DNS test server failed: \(error)")
            }
            stopReader.closeQuietly()
        }
    }

    func stop() {
        try? stopWriter.writeAll([1])
        pthread_join(thread, nil)
        stopWriter.closeQuietly()
        udp.closeQuietly()
        tcp.closeQuietly()
    }
}

enum DNSClient {
    static func udp(_ query: DNSMessage, to server: DnsSocketAddress) throws -> DNSMessage {
        let socket = try DnsSocket.udpConnected(to: server)
        defer { socket.closeQuietly() }
        try socket.setNonBlocking(false)
        try DnsSocket.setReceiveTimeout(socket, milliseconds: 3000)
        try socket.writeAll(query.encoded())
        var buffer = [UInt8](repeating: 0, count: 65535)
        let count = try buffer.withUnsafeMutableBytes { try socket.read(into: $0) }
        return try DNSMessage(decoding: Array(buffer[0..<count]))
    }

    /// Sends every query on one connection (pipelined), then reads as many framed replies.
    static func tcp(_ queries: [DNSMessage], to server: DnsSocketAddress) throws -> [DNSMessage] {
        let socket = try DnsSocket.tcpConnecting(to: server)
        defer { socket.closeQuietly() }
        try socket.setNonBlocking(false)
        try DnsSocket.setReceiveTimeout(socket, milliseconds: 3000)
        for query in queries {
            let bytes = query.encoded()
            try socket.writeAll([UInt8(bytes.count >> 8), UInt8(bytes.count & 0xff)] + bytes)
        }
        var received: [UInt8] = []
        var replies: [DNSMessage] = []
        var buffer = [UInt8](repeating: 0, count: 65535)
        while replies.count < queries.count {
            let count = try buffer.withUnsafeMutableBytes { try socket.read(into: $0) }
            if count == 0 { break }
            received += buffer[0..<count]
            while received.count >= 2, received.count - 2 >= Int(received[0]) << 8 | Int(received[1]) {
                let length = Int(received[0]) << 8 | Int(received[1])
                replies.append(try DNSMessage(decoding: Array(received[2..<2 + length])))
                received.removeFirst(2 + length)
            }
        }
        return replies
    }
}
