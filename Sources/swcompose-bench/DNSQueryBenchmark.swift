import DNS
import Glibc
import Linux

/// `DNSBenchmark.run` (one UDP client, one query at a time) against the embedded `DNSServer` running
/// in-process and against dnsmasq, both on loopback, answering the same names from the same addresses.
enum DNSQueryBenchmark {
    static let network = "swcbench"
    /// A few containers' names, as a small project's network holds them.
    static let hosts: [(name: String, address: [UInt8])] = [
        ("web", [10, 89, 0, 2]), ("db", [10, 89, 0, 3]), ("cache", [10, 89, 0, 4]),
        ("api", [10, 89, 0, 5]), ("worker", [10, 89, 0, 6]),
    ]

    static func run(_ context: BenchContext) throws(BenchError) {
        let directory = "\(context.workDirectory)/dns"
        try context.removeTree(directory)
        let tableDirectory = "\(directory)/table"
        let hostsFile = "\(directory)/hosts"
        try context.makeDirectory(tableDirectory)
        defer { try? context.removeTree(directory) }
        try writeTables(tableDirectory: tableDirectory, hostsFile: hostsFile)
        guard let name = try? DNSName(hosts[0].name) else { throw .dns("bad name \(hosts[0].name)") }

        let server = try InProcessDNSServer(tableDirectory: tableDirectory, network: network)
        defer { try? server.stop() }
        try verify(server.address, label: "swcompose DNSServer", name: name, expect: hosts[0].address)
        var servers = [("swcompose DNSServer (in-process)", server.address)]
        var dnsmasq: DnsmasqProcess?
        if let binary = context.peer(context.options.dnsmasq, hint: "apt-get install dnsmasq-base") {
            // Like the other peers, a dnsmasq that fails loses its row, not the benchmark.
            do {
                let peer = try DnsmasqProcess(binary: binary, hostsFile: hostsFile, context: context)
                dnsmasq = peer
                try verify(peer.address, label: "dnsmasq", name: name, expect: hosts[0].address)
                servers.append(("dnsmasq", peer.address))
            } catch {
                dnsmasq?.stop()
                dnsmasq = nil
                context.note("dnsmasq row skipped: \(error)")
            }
        }
        defer { dnsmasq?.stop() }

        var results = Array(repeating: [DNSBenchmark.Result](), count: servers.count)
        let queries = context.options.dnsQueries
        for _ in 0..<context.runs(default: 3) {
            for (index, (label, address)) in servers.enumerated() {
                do {
                    results[index].append(try DNSBenchmark.run(server: address, name: name, queries: queries))
                } catch {
                    throw .system(what: "query \(label) on \(address)", error)
                }
            }
        }
        try server.stop()
        dnsmasq?.stop()
        // The in-process server's memory is the benchmark's own, so it has no figure of its own.
        var peaks = ["-"]
        if let dnsmasq { peaks.append(dnsmasq.peakKiB.map { Figure.mebibytes(kib: Double($0)) } ?? "-") }
        Console.out(table(servers: servers.map(\.0), results: results, peaks: peaks).render())
    }

    /// The same names in swcompose's name table and in a hosts file for dnsmasq.
    static func writeTables(tableDirectory: String, hostsFile: String) throws(BenchError) {
        let table = NameTable(directory: tableDirectory)
        var lines = ""
        for (name, address) in hosts {
            do {
                try table.register(DNSRecord(network: network, names: [name], ipv4: address, containerId: "bench-\(name)"))
            } catch {
                throw .dns("\(error)")
            }
            lines += address.map(String.init).joined(separator: ".") + " \(name)\n"
        }
        do { try FileSystem.writeAtomically(hostsFile, lines) } catch { throw .system(what: "write \(hostsFile)", error) }
    }

    /// One query answered with the expected address: DNSBenchmark counts any reply with the right id,
    /// so a server answering NXDOMAIN would otherwise look fast.
    static func verify(_ server: DnsSocketAddress, label: String, name: DNSName, expect address: [UInt8]) throws(BenchError) {
        let bytes: [UInt8]
        do { bytes = try ask(server, name) } catch { throw .system(what: "verify \(label) on \(server)", error) }
        guard let reply = try? DNSMessage(decoding: bytes), reply.answers.contains(where: { $0.data == .ipv4(address) }) else {
            throw .dns("\(label) on \(server) did not answer \(name) with \(address.map(String.init).joined(separator: "."))")
        }
    }

    private static func ask(_ server: DnsSocketAddress, _ name: DNSName) throws(Errno) -> [UInt8] {
        let socket = try DnsSocket.udpConnected(to: server)
        defer { socket.closeQuietly() }
        try socket.setNonBlocking(false)
        try DnsSocket.setReceiveTimeout(socket, milliseconds: 1000)
        try socket.writeAll(DNSMessage.query(id: 0x5357, name: name, type: .a).encoded())
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { raw in recv(socket.rawValue, raw.baseAddress, raw.count, 0) }
        if count < 0 { throw Errno.current("recv", "\(server)") }
        return Array(buffer[0..<count])
    }

    static func table(servers: [String], results: [[DNSBenchmark.Result]], peaks: [String]) -> ReportTable {
        var table = ReportTable(title: "dns: \(results.first?.first?.queries ?? 0) sequential UDP A queries per round on loopback (load \(LoadAverage.text))",
                                headers: ["server", "rounds", "q/s median", "q/s min", "q/s max", "p50 µs", "p99 µs", "failed", "peak RSS MiB"])
        for (index, (label, rounds)) in zip(servers, results).enumerated() {
            var rate = Samples(), p50 = Samples(), p99 = Samples()
            for round in rounds {
                rate.add(round.queriesPerSecond)
                p50.add(round.p50Microseconds)
                p99.add(round.p99Microseconds)
            }
            table.add([label, String(rounds.count), Figure.fixed(rate.median, digits: 0), Figure.fixed(rate.min, digits: 0),
                       Figure.fixed(rate.max, digits: 0), Figure.fixed(p50.median, digits: 0), Figure.fixed(p99.median, digits: 0),
                       String(rounds.reduce(0) { $0 + $1.failures }), peaks[index]])
        }
        return table
    }
}
