import Linux

/// One DNS-over-TCP connection (a client, or an upstream whose UDP answer came back truncated):
/// messages framed by a two-byte length (RFC 1035 §4.2.2), buffered both ways.
final class DNSTCPConnection {
    let fd: FileDescriptor
    let serial: Int
    var watchingWrites = false
    private var input: [UInt8] = []
    private var output: [UInt8] = []

    init(fd: FileDescriptor, serial: Int) {
        self.fd = fd
        self.serial = serial
    }

    var hasPendingOutput: Bool { !output.isEmpty }

    /// Complete messages read so far and whether the peer may send more (false once it closed its side);
    /// nil when the connection failed. Messages that arrived together with the close are still returned.
    func readMessages() -> (messages: [[UInt8]], open: Bool)? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        var open = true
        while open {
            let count: Int?
            do {
                count = try chunk.withUnsafeMutableBytes { (raw) throws(Errno) in try DnsSocket.read(fd, into: raw) }
            } catch {
                return nil
            }
            guard let count else { break }
            if count == 0 { open = false }
            input += chunk[0..<count]
        }
        var messages: [[UInt8]] = []
        var start = 0
        while input.count - start >= 2 {
            let length = Int(input[start]) << 8 | Int(input[start + 1])
            guard input.count - start - 2 >= length else { break }
            messages.append(Array(input[start + 2..<start + 2 + length]))
            start += 2 + length
        }
        input.removeFirst(start)
        return (messages, open)
    }

    /// A peer that pipelines queries but never reads its answers is cut off past this many queued bytes.
    static let maxPendingOutput = 1 << 18

    /// Queues a framed message and writes what the socket takes; false when the connection failed.
    func send(_ message: [UInt8]) -> Bool {
        if output.count > Self.maxPendingOutput { return false }
        let length = min(message.count, 65535)
        output += [UInt8(length >> 8), UInt8(length & 0xff)] + message.prefix(length)
        return flush()
    }

    func flush() -> Bool {
        while !output.isEmpty {
            let written: Int
            do {
                written = try output.withUnsafeBytes { (raw) throws(Errno) in try DnsSocket.write(fd, raw) }
            } catch {
                return false
            }
            if written == 0 { return true }
            output.removeFirst(written)
        }
        return true
    }
}
