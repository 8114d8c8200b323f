import Linux

/// A pull-based byte stream: layers flow network → hash → gunzip → hash → tar without buffering whole blobs.
/// Classes, because each stage owns its upstream and keeps state across reads.
public protocol ByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes; returns 0 only at end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Reads exactly `count` bytes, or fewer only at end of stream.
    public func read(exactly count: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = try result.withUnsafeMutableBytes { raw in
                try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
            }
            if got == 0 { break }
            filled += got
        }
        return filled == count ? result : Array(result[0..<filled])
    }

    /// Reads to the end, discarding: lets hashing stages see trailing bytes (tar padding, gzip trailer).
    public func drain() throws {
        var scratch = [UInt8](repeating: 0, count: 65536)
        while try scratch.withUnsafeMutableBytes({ try read(into: $0) }) > 0 {}
    }

    public func readAll() throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if got == 0 { return result }
            result.append(contentsOf: chunk[0..<got])
        }
    }
}

/// Reads from a file descriptor it does not own.
public final class FileSource: ByteSource {
    public let fd: FileDescriptor
    public init(_ fd: FileDescriptor) { self.fd = fd }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try fd.read(into: buffer) }
}

/// Serves bytes from memory: small blobs, manifests, tests.
public final class BytesSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// Hashes everything that passes through it and counts the bytes.
public final class HashingSource: ByteSource {
    private let upstream: ByteSource
    private let hasher = SHA256()
    public private(set) var byteCount: Int64 = 0
    public init(_ upstream: ByteSource) { self.upstream = upstream }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try upstream.read(into: buffer)
        if finished == nil { hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
        byteCount += Int64(count)
        return count
    }
    private var finished: String?

    /// "sha256:<hex>" of everything read; call after the stream is drained. Later reads are not hashed.
    public func digest() -> String {
        if let finished { return finished }
        let value = "sha256:" + hasher.finalizeHex()
        finished = value
        return value
    }
}

/// Copies everything that passes through it into a descriptor (a blob being stored while it is unpacked).
public final class TeeSource: ByteSource {
    private let upstream: ByteSource
    private let sink: FileDescriptor
    public init(_ upstream: ByteSource, into sink: FileDescriptor) {
        self.upstream = upstream
        self.sink = sink
    }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try upstream.read(into: buffer)
        try sink.writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        return count
    }
}
