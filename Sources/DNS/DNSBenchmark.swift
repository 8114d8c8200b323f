import Glibc
import Linux

/// Measures a DNS server the way a busy container would use it: one UDP client, one query at a time.
public enum DNSBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public let queries: Int
        public let failures: Int
        public let seconds: Double
        public let p50Microseconds: Double
        public let p99Microseconds: Double

        public var queriesPerSecond: Double { seconds > 0 ? Double(queries - failures) / seconds : 0 }

        public var description: String {
            let qps = Int(queriesPerSecond)
            return "\(queries) queries, \(failures) failed, \(qps) q/s, p50 \(Int(p50Microseconds)) µs, p99 \(Int(p99Microseconds)) µs"
        }
    }

    /// Sends `queries` sequential queries for `name` to `server`; a query without an answer within
    /// `timeoutMilliseconds`, or with another id, counts as a failure.
    public static func run(server: DnsSocketAddress, name: DNSName, type: DNSRecordType = .a, queries: Int = 10_000,
                           timeoutMilliseconds: Int = 1000) throws(Errno) -> Result {
        let socket = try DnsSocket.udpConnected(to: server)
        defer { socket.closeQuietly() }
        try socket.setNonBlocking(false)
        try DnsSocket.setReceiveTimeout(socket, milliseconds: timeoutMilliseconds)
        var latencies: [Double] = []
        latencies.reserveCapacity(queries)
        var failures = 0
        var buffer = [UInt8](repeating: 0, count: 65535)
        let start = Clock.monotonic()
        for index in 0..<queries {
            let id = UInt16(truncatingIfNeeded: index)
            let request = DNSMessage.query(id: id, name: name, type: type).encoded()
            let sent = Clock.monotonic()
            do {
                try socket.writeAll(request)
                var answered = false
                // Late answers to earlier, timed-out queries are skipped by id.
                while !answered {
                    let count = try buffer.withUnsafeMutableBytes { (raw) throws(Errno) in try socket.read(into: raw) }
                    answered = count >= 2 && buffer[0] == UInt8(id >> 8) && buffer[1] == UInt8(id & 0xff)
                }
                latencies.append((Clock.monotonic() - sent) * 1_000_000)
            } catch {
                failures += 1
            }
        }
        let seconds = Clock.monotonic() - start
        latencies.sort()
        return Result(queries: queries, failures: failures, seconds: seconds,
                      p50Microseconds: percentile(latencies, 0.50), p99Microseconds: percentile(latencies, 0.99))
    }

    private static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }
}
