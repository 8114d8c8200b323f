import Glibc
import Linux
import Testing
@testable import DNS

/// Real sockets on 127.0.0.1 only; upstreams are fakes the tests run themselves on loopback.
@Suite struct ServerTests {
    let directory = temporaryDirectory()

    func register() throws {
        let table = NameTable(directory: directory)
        try table.register(DNSRecord(network: "app", names: ["web", "proj-web-1"], ipv4: [10, 3, 0, 2], containerId: "w1"))
        try table.register(DNSRecord(network: "app", names: ["web", "proj-web-2"], ipv4: [10, 3, 0, 3], containerId: "w2"))
        try table.register(DNSRecord(network: "other", names: ["secret"], ipv4: [10, 4, 0, 2], containerId: "s1"))
        // Enough replicas that the A answer exceeds 512 bytes.
        for index in 0..<40 {
            try table.register(DNSRecord(network: "app", names: ["big"], ipv4: [10, 5, 0, UInt8(index)], containerId: "b\(index)"))
        }
    }

    @Test func answersOverUDPAndTCP() throws {
        defer { try? FileSystem.removeTree(directory) }
        try register()
        let server = try RunningServer(table: directory, networks: ["app"])
        defer { server.stop() }
        #expect(server.udpAddress == server.tcpAddress && server.udpAddress.port != 0)
        let web = try DNSClient.udp(.query(id: 100, name: try DNSName("web"), type: .a), to: server.udpAddress)
        #expect(web.id == 100 && web.flags.isResponse)
        #expect(web.answers.count == 2)
        let secret = try DNSClient.udp(.query(id: 101, name: try DNSName("secret"), type: .a), to: server.udpAddress)
        #expect(secret.flags.responseCode == .nameError)
        let replies = try DNSClient.tcp([
            .query(id: 1, name: try DNSName("proj-web-2"), type: .a),
            .query(id: 2, name: try DNSName("web"), type: .aaaa),
        ], to: server.tcpAddress)
        #expect(replies.map(\.id) == [1, 2])
        #expect(replies[0].answers == [.a(try DNSName("proj-web-2"), [10, 3, 0, 3], ttl: 600)])
        #expect(replies[1].flags.responseCode == .noError && replies[1].answers.isEmpty)
    }

    @Test func truncatesLargeUDPAnswersUnlessEDNSAllows() throws {
        defer { try? FileSystem.removeTree(directory) }
        try register()
        let server = try RunningServer(table: directory, networks: ["app"])
        defer { server.stop() }
        let name = try DNSName("big")
        let classic = try DNSClient.udp(.query(id: 7, name: name, type: .a), to: server.udpAddress)
        #expect(classic.flags.truncated && classic.answers.isEmpty)
        let edns = try DNSClient.udp(.query(id: 8, name: name, type: .a, edns: DNSExtension(udpPayloadSize: 1232)),
                                     to: server.udpAddress)
        #expect(!edns.flags.truncated && edns.answers.count == 40)
        #expect(edns.edns?.udpPayloadSize == DNSMessage.maxEDNSPayload)
        let overTCP = try DNSClient.tcp([.query(id: 9, name: name, type: .a)], to: server.tcpAddress)
        #expect(overTCP.first?.answers.count == 40)
        #expect(overTCP.first?.flags.truncated == false)
    }

    @Test func answersGarbageWithFormatError() throws {
        defer { try? FileSystem.removeTree(directory) }
        let server = try RunningServer(table: directory, networks: ["app"])
        defer { server.stop() }
        let socket = try DnsSocket.udpConnected(to: server.udpAddress)
        defer { socket.closeQuietly() }
        try socket.setNonBlocking(false)
        try DnsSocket.setReceiveTimeout(socket, milliseconds: 3000)
        try socket.writeAll([0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1])
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = try buffer.withUnsafeMutableBytes { try socket.read(into: $0) }
        let reply = try DNSMessage(decoding: Array(buffer[0..<count]))
        #expect(reply.id == 0xabcd && reply.flags.responseCode == .formatError)
        // The server is still alive afterwards.
        #expect(try DNSClient.udp(.query(id: 5, name: try DNSName("x"), type: .a), to: server.udpAddress).id == 5)
    }

    @Test func forwardsForeignNamesToUpstream() throws {
        defer { try? FileSystem.removeTree(directory) }
        try register()
        let upstream = try FakeUpstream()
        defer { upstream.stop() }
        // The first upstream never answers: the query moves on after the timeout.
        let silent = try DnsSocket.udp(boundTo: DnsSocketAddress(host: "127.0.0.1", port: 0)!)
        defer { silent.closeQuietly() }
        let server = try RunningServer(table: directory, networks: ["app"],
                                       upstreams: [try DnsSocket.localAddress(of: silent), upstream.address],
                                       upstreamTimeoutMilliseconds: 200)
        defer { server.stop() }
        let reply = try DNSClient.udp(.query(id: 77, name: try DNSName("service.example"), type: .a,
                                             edns: DNSExtension(udpPayloadSize: 1232)), to: server.udpAddress)
        #expect(reply.id == 77)
        #expect(reply.answers == [.a(try DNSName("service.example"), [192, 0, 2, 10], ttl: 30)])
        // The client's OPT record reached the upstream untouched.
        #expect(upstream.lastQuery()?.edns?.udpPayloadSize == 1232)
        let overTCP = try DNSClient.tcp([.query(id: 78, name: try DNSName("other.example"), type: .a)], to: server.tcpAddress)
        #expect(overTCP.first?.answers.first?.name == (try DNSName("other.example")))
        // Too large for UDP: a UDP client sees TC, a TCP client gets the whole answer fetched over TCP.
        let large = try DNSName("large.example")
        let truncated = try DNSClient.udp(.query(id: 79, name: large, type: .a), to: server.udpAddress)
        #expect(truncated.flags.truncated && truncated.answers.isEmpty)
        let full = try DNSClient.tcp([.query(id: 80, name: large, type: .a)], to: server.tcpAddress)
        #expect(full.first?.answers.count == 40)
        #expect(full.first?.flags.truncated == false)
    }

    @Test func failsWithServerFailureWhenNoUpstreamAnswers() throws {
        defer { try? FileSystem.removeTree(directory) }
        let silent = try DnsSocket.udp(boundTo: DnsSocketAddress(host: "127.0.0.1", port: 0)!)
        defer { silent.closeQuietly() }
        let server = try RunningServer(table: directory, networks: ["app"],
                                       upstreams: [try DnsSocket.localAddress(of: silent)],
                                       upstreamTimeoutMilliseconds: 100)
        defer { server.stop() }
        let reply = try DNSClient.udp(.query(id: 3, name: try DNSName("nowhere.example"), type: .a), to: server.udpAddress)
        #expect(reply.flags.responseCode == .serverFailure)
        let none = try RunningServer(table: directory, networks: ["app"])
        defer { none.stop() }
        let noUpstream = try DNSClient.udp(.query(id: 4, name: try DNSName("nowhere.example"), type: .a), to: none.udpAddress)
        #expect(noUpstream.flags.responseCode == .serverFailure)
    }

    @Test func benchmarkMeasuresTheServer() throws {
        defer { try? FileSystem.removeTree(directory) }
        try register()
        let server = try RunningServer(table: directory, networks: ["app"])
        defer { server.stop() }
        let result = try DNSBenchmark.run(server: server.udpAddress, name: try DNSName("web"), queries: 500)
        #expect(result.queries == 500 && result.failures == 0)
        #expect(result.queriesPerSecond > 0 && result.p50Microseconds > 0 && result.p99Microseconds >= result.p50Microseconds)
    }
}

/// An upstream resolver on 127.0.0.1 that answers every A query with 192.0.2.10 (a documentation address:
/// it only appears inside answers, nothing is ever sent there). Names starting with "large" get 40 answers:
/// over UDP only a truncated reply, over TCP (same port) the full one.
final class FakeUpstream: Sendable {
    let address: DnsSocketAddress
    private let socket: FileDescriptor
    private let listener: FileDescriptor
    private let stopWriter: FileDescriptor
    private let thread: pthread_t
    private let received: QueryLog

    final class QueryLog: @unchecked Sendable {
        private var lock = pthread_mutex_t()
        private var last: DNSMessage?
        init() { pthread_mutex_init(&lock, nil) }
        func record(_ query: DNSMessage) {
            pthread_mutex_lock(&lock)
            last = query
            pthread_mutex_unlock(&lock)
        }
        func latest() -> DNSMessage? {
            pthread_mutex_lock(&lock)
            defer { pthread_mutex_unlock(&lock) }
            return last
        }
    }

    init() throws {
        socket = try DnsSocket.udp(boundTo: DnsSocketAddress(host: "127.0.0.1", port: 0)!)
        address = try DnsSocket.localAddress(of: socket)
        listener = try DnsSocket.tcpListener(boundTo: address)
        let (stopReader, stopWriter) = try FileDescriptor.pipe()
        self.stopWriter = stopWriter
        let received = QueryLog()
        self.received = received
        let (socket, listener) = (socket, listener)
        thread = startThread {
            guard let loop = try? EventLoop() else { return }
            var buffer = [UInt8](repeating: 0, count: 65535)
            try? loop.register(socket) { _ in
                while let (count, client) = (try? buffer.withUnsafeMutableBytes { (raw) throws(Errno) in
                    try DnsSocket.receive(on: socket, into: raw)
                }) ?? nil {
                    guard let query = try? DNSMessage(decoding: Array(buffer[0..<count])) else { continue }
                    received.record(query)
                    _ = try? DnsSocket.send(Self.answer(query).encoded(limit: 512), on: socket, to: client)
                }
            }
            try? loop.register(listener) { _ in
                guard let connection = (try? DnsSocket.accept(listener)) ?? nil else { return }
                defer { connection.closeQuietly() }
                // A fake may block: one small framed query, read whole.
                try? connection.setNonBlocking(false)
                try? DnsSocket.setReceiveTimeout(connection, milliseconds: 2000)
                guard let frame = try? connection.readExactly(2), let body = try? connection.readExactly(Int(frame[0]) << 8 | Int(frame[1])),
                      let query = try? DNSMessage(decoding: body) else { return }
                received.record(query)
                let response = Self.answer(query).encoded()
                try? connection.writeAll([UInt8(response.count >> 8), UInt8(response.count & 0xff)] + response)
            }
            try? loop.register(stopReader) { _ in loop.stop() }
            try? loop.run()
            stopReader.closeQuietly()
        }
    }

    static func answer(_ query: DNSMessage) -> DNSMessage {
        var response = DNSMessage.response(to: query, code: .noError)
        let name = query.questions[0].name
        let count = name.key.hasPrefix("large") ? 40 : 1
        response.answers = (0..<count).map { .a(name, [192, 0, 2, 10 + UInt8($0)], ttl: 30) }
        return response
    }

    func lastQuery() -> DNSMessage? { received.latest() }

    func stop() {
        try? stopWriter.writeAll([1])
        pthread_join(thread, nil)
        stopWriter.closeQuietly()
        socket.closeQuietly()
        listener.closeQuietly()
    }
}

extension FileDescriptor {
    func readExactly(_ count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while result.count < count {
            let want = count - result.count
            let got = try buffer.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want])) }
            if got == 0 { throw Errno(EPIPE, call: "read", subject: "fake upstream connection") }
            result += buffer[0..<got]
        }
        return result
    }
}
