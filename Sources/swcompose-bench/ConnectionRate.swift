import Glibc
import Linux

/// Short TCP connections in a loop from one client thread: connect, an HTTP/1.0 GET, read to EOF, close.
/// The count over the wall time is the rate; every exchange goes through the whole path (proxy accept,
/// backend connect, both directions relayed, both closes), not only the listener's accept queue.
enum ConnectionRate {
    static let request = Array("GET / HTTP/1.0\r\n\r\n".utf8)

    /// Connections per second to `host:port` over `seconds`; the server may still be starting, so connection
    /// errors in the first second are retried.
    static func measure(host: String, port: UInt16, seconds: Double) throws(BenchError) -> Double {
        let ready = Clock.monotonic() + 1
        while true {
            do {
                try exchange(host: host, port: port)
                break
            } catch {
                guard Clock.monotonic() < ready else { throw error }
                usleep(50_000)
            }
        }
        let start = Clock.monotonic()
        var count = 0
        var now = start
        while now - start < seconds {
            try exchange(host: host, port: port)
            count += 1
            now = Clock.monotonic()
        }
        return Double(count) / (now - start)
    }

    private static func exchange(host: String, port: UInt16) throws(BenchError) {
        let what = "HTTP GET from \(host):\(port)"
        let response: [UInt8]
        do {
            let socket = try TCPSocket.connect(host: host, port: port, timeout: 5)
            defer { socket.closeQuietly() }
            try socket.writeAll(request)
            response = try socket.readAll(chunk: 4096)
        } catch {
            throw .system(what: what, error)
        }
        guard response.starts(with: Array("HTTP/1.".utf8)) else {
            throw .wrongOutput(command: what, message: "no HTTP status line in \(response.count) bytes")
        }
    }
}
