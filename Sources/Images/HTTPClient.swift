import Archive
import Linux

/// "http(s)://host[:port]/path?query", enough for registry endpoints, token realms and blob redirects.
struct HTTPURL: Sendable, CustomStringConvertible {
    var secure: Bool
    var host: String
    var port: UInt16
    var target: String

    init(secure: Bool, host: String, port: UInt16? = nil, target: String) {
        self.secure = secure
        self.host = host
        self.port = port ?? (secure ? 443 : 80)
        self.target = target.isEmpty ? "/" : target
    }

    init(parsing text: String, relativeTo base: HTTPURL? = nil) throws(ImageError) {
        if text.hasPrefix("/"), let base {
            self = base
            target = text
            return
        }
        let secure: Bool
        let rest: Substring
        if text.hasPrefix("https://") { secure = true; rest = text.dropFirst(8) }
        else if text.hasPrefix("http://") { secure = false; rest = text.dropFirst(7) }
        else { throw .invalidFormat(what: "URL \(text)", reason: "expected http:// or https://") }
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<slash]
        var host = String(authority)
        var port: UInt16?
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            port = UInt16(authority[authority.index(after: colon)...])
        }
        if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
        var target = String(rest[slash...])
        if target.hasPrefix("?") { target = "/" + target }
        self.init(secure: secure, host: host, port: port, target: target)
    }

    /// Host header value.
    var authority: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return (secure && port == 443) || (!secure && port == 80) ? name : "\(name):\(port)"
    }

    var description: String { (secure ? "https://" : "http://") + authority + target }
}

struct HTTPRequest: Sendable {
    var method: String
    var url: HTTPURL
    var headers: [(String, String)] = []
    var body: [UInt8] = []
}

/// A response whose body streams from the connection; `close()` releases it.
final class HTTPResponse: ByteSource {
    let status: Int
    let headers: [String: String]  // lowercased names
    private let transport: HTTPTransport
    private var buffered: [UInt8]
    private var bufferOffset = 0
    private var remaining: Int64?  // content-length left, nil when chunked or until close
    private let chunked: Bool
    private var chunkLeft: Int64 = 0
    private var done = false

    init(status: Int, headers: [String: String], transport: HTTPTransport, leftover: [UInt8], method: String) {
        self.status = status
        self.headers = headers
        self.transport = transport
        self.buffered = leftover
        chunked = headers["transfer-encoding"]?.lowercased().contains("chunked") == true
        if method == "HEAD" || status == 204 || status == 304 {
            remaining = 0
        } else if !chunked, let length = headers["content-length"].flatMap({ Int64($0) }) {
            remaining = length
        }
        if remaining == 0 { done = true }
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    func close() { transport.close() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !done, buffer.count > 0 else { return 0 }
        if chunked {
            if chunkLeft == 0 {
                let line = try readLine()
                guard let size = Int64(line.split(separator: ";").first.map(String.init)?.trimmingSpaces ?? "", radix: 16) else {
                    throw ImageError.invalidFormat(what: "HTTP response", reason: "bad chunk size \(line)")
                }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    done = true
                    return 0
                }
                chunkLeft = size
            }
            let got = try raw(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(min(Int64(buffer.count), chunkLeft))]))
            guard got > 0 else { throw ArchiveError.truncated("HTTP chunk") }
            chunkLeft -= Int64(got)
            if chunkLeft == 0 { _ = try readLine() }
            return got
        }
        let limit = remaining.map { Int(min(Int64(buffer.count), $0)) } ?? buffer.count
        let got = try raw(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<limit]))
        if got == 0 {
            if let remaining, remaining > 0 { throw ArchiveError.truncated("HTTP body ends \(remaining) bytes early") }
            done = true
            return 0
        }
        if remaining != nil {
            remaining! -= Int64(got)
            if remaining == 0 { done = true }
        }
        return got
    }

    /// The whole body, refusing more than `limit` bytes (manifests, tokens, error documents).
    func body(limit: Int = 8 << 20) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let got = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if got == 0 { return result }
            result.append(contentsOf: chunk[0..<got])
            if result.count > limit { throw ImageError.invalidFormat(what: "HTTP response", reason: "body larger than \(limit) bytes") }
        }
    }

    private func raw(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if bufferOffset < buffered.count {
            let count = min(buffer.count, buffered.count - bufferOffset)
            buffered.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + bufferOffset, byteCount: count) }
            bufferOffset += count
            return count
        }
        return try transport.read(into: buffer)
    }

    private func readLine() throws -> String {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let got = try withUnsafeMutableBytes(of: &byte) { try raw(into: $0) }
            guard got == 1 else { throw ArchiveError.truncated("HTTP chunked body") }
            if byte == UInt8(ascii: "\n") { break }
            if byte != UInt8(ascii: "\r") { line.append(byte) }
            if line.count > 8192 { throw ImageError.invalidFormat(what: "HTTP response", reason: "line too long") }
        }
        return String(decoding: line, as: UTF8.self)
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

/// One request per connection (Connection: close): simple, and registry pulls are dominated by blob bytes.
struct HTTPClient: Sendable {
    var timeout: Double
    var environment: [String: String]

    func send(_ request: HTTPRequest) throws(ImageError) -> HTTPResponse {
        let url = request.url
        let fd: FileDescriptor
        do { fd = try TCPSocket.connect(host: url.host, port: url.port, timeout: timeout) } catch {
            throw transportError(error, host: url.authority)
        }
        let transport: HTTPTransport
        if url.secure {
            do { transport = try TLSTransport(fd: fd, host: url.host, environment: environment) } catch {
                fd.closeQuietly()
                throw error
            }
        } else {
            transport = PlainTransport(fd: fd, host: url.authority)
        }
        do {
            var head = "\(request.method) \(url.target) HTTP/1.1\r\nHost: \(url.authority)\r\nUser-Agent: swcompose\r\nConnection: close\r\n"
            for (name, value) in request.headers { head += "\(name): \(value)\r\n" }
            if !request.body.isEmpty || request.method == "PUT" || request.method == "POST" {
                head += "Content-Length: \(request.body.count)\r\n"
            }
            head += "\r\n"
            try transport.write(Array(head.utf8) + request.body)
            return try readHead(transport, method: request.method, host: url.authority)
        } catch {
            transport.close()
            throw error
        }
    }

    private func readHead(_ transport: HTTPTransport, method: String, host: String) throws(ImageError) -> HTTPResponse {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let got: Int
            do { got = try chunk.withUnsafeMutableBytes { try transport.read(into: $0) } } catch {
                throw error as? ImageError ?? .network(host: host, reason: "\(error)")
            }
            guard got > 0 else { throw .network(host: host, reason: "connection closed before a response") }
            data.append(contentsOf: chunk[0..<got])
            if let end = Self.headerEnd(data) {
                let text = String(decoding: data[0..<end], as: UTF8.self)
                var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
                    throw .network(host: host, reason: "not an HTTP response")
                }
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let name = line[..<colon].lowercased()
                    let value = String(line[line.index(after: colon)...]).trimmingSpaces
                    headers[name] = headers[name].map { $0 + ", " + value } ?? value
                }
                return HTTPResponse(status: status, headers: headers, transport: transport, leftover: Array(data[(end + 4)...]), method: method)
            }
            if data.count > 1 << 20 { throw .network(host: host, reason: "response headers too large") }
        }
    }

    private static func headerEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for index in 0...(data.count - 4) where data[index] == 13 && data[index + 1] == 10 && data[index + 2] == 13 && data[index + 3] == 10 {
            return index
        }
        return nil
    }
}
