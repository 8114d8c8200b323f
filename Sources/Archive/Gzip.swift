import CZlib

/// Inflates a gzip stream (concatenated members included) read from `upstream`.
public final class GzipSource: ByteSource {
    private let upstream: ByteSource
    private var stream = z_stream()
    private var input = [UInt8](repeating: 0, count: 65536)
    private var inputOffset = 0
    private var inputLength = 0
    private var inputEnd = false
    private var finished = false

    public init(_ upstream: ByteSource) throws(ArchiveError) {
        self.upstream = upstream
        // 16 + MAX_WBITS: expect a gzip header and trailer.
        guard czlib_inflate_init2(&stream, 16 + 15) == Z_OK else { throw .compression("inflateInit2 failed") }
    }

    deinit { inflateEnd(&stream) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        while true {
            if inputLength == 0 && !inputEnd { try refill() }
            let offset = inputOffset, length = inputLength
            let (status, produced, unread) = input.withUnsafeMutableBufferPointer { inBuf in
                stream.next_in = inBuf.baseAddress! + offset
                stream.avail_in = UInt32(length)
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = UInt32(buffer.count)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, buffer.count - Int(stream.avail_out), Int(stream.avail_in))
            }
            inputOffset += inputLength - unread
            inputLength = unread
            switch status {
            case Z_STREAM_END:
                // Another gzip member may follow (pigz, concatenated streams).
                if inputLength == 0 && !inputEnd { try refill() }
                if inputLength == 0 {
                    finished = true
                    return produced
                }
                inflateReset(&stream)
                if produced > 0 { return produced }
            case Z_OK, Z_BUF_ERROR:
                if produced > 0 { return produced }
                if inputEnd && inputLength == 0 { throw ArchiveError.truncated("gzip stream ends early") }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                throw ArchiveError.compression("gzip: \(message)")
            }
        }
    }

    private func refill() throws {
        let got = try input.withUnsafeMutableBytes { try upstream.read(into: $0) }
        inputOffset = 0
        inputLength = got
        if got == 0 { inputEnd = true }
    }
}

/// Compresses bytes into gzip format in memory: test fixtures, imported layers, pushes.
public enum Gzip {
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(ArchiveError) -> [UInt8] {
        var stream = z_stream()
        guard czlib_deflate_init2(&stream, level, 16 + 15) == Z_OK else { throw .compression("deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw .compression("deflate failed with code \(status)") }
        return Array(output[0..<Int(stream.total_out)])
    }
}
