/// The byte stream of an attached control connection, once the supervisor has answered `attach` with `ok`:
/// frames of one kind byte, a 4-byte big-endian payload length and the payload.
/// Output and the exit status flow to the client; input, end of input and window sizes to the supervisor.
public enum AttachFrame: Equatable, Sendable {
    case stdin([UInt8])
    case stdout([UInt8])
    case stderr([UInt8])
    case exit(Int32)
    case closeStdin
    case resize(rows: UInt16, columns: UInt16)

    /// Larger frames are a broken peer, not data: output is framed in reads of at most 64 KiB.
    static let maximumPayload = 1 << 20

    private var kind: UInt8 {
        switch self {
        case .stdin: 0
        case .stdout: 1
        case .stderr: 2
        case .exit: 3
        case .closeStdin: 4
        case .resize: 5
        }
    }

    public var bytes: [UInt8] {
        let payload: [UInt8] = switch self {
        case .stdin(let data), .stdout(let data), .stderr(let data): data
        case .exit(let code): Self.bigEndian(UInt32(bitPattern: code))
        case .closeStdin: []
        case .resize(let rows, let columns): Self.bigEndian(UInt32(rows) << 16 | UInt32(columns))
        }
        return [kind] + Self.bigEndian(UInt32(payload.count)) + payload
    }

    /// Output of `stream` ("stdout" or "stderr", as the log names them).
    static func output(_ data: [UInt8], stream: String) -> AttachFrame {
        stream == "stderr" ? .stderr(data) : .stdout(data)
    }

    /// Removes every whole frame from the front of `buffer`; a partial frame stays for the next read.
    public static func parse(_ buffer: inout [UInt8]) throws(AttachFrameError) -> [AttachFrame] {
        var frames: [AttachFrame] = []
        var offset = 0
        while buffer.count - offset >= 5 {
            let length = Int(word(buffer, at: offset + 1))
            guard length <= maximumPayload else { throw .oversized(length) }
            guard buffer.count - offset - 5 >= length else { break }
            let payload = Array(buffer[(offset + 5)..<(offset + 5 + length)])
            frames.append(try frame(kind: buffer[offset], payload: payload))
            offset += 5 + length
        }
        buffer.removeFirst(offset)
        return frames
    }

    private static func frame(kind: UInt8, payload: [UInt8]) throws(AttachFrameError) -> AttachFrame {
        switch kind {
        case 0: return .stdin(payload)
        case 1: return .stdout(payload)
        case 2: return .stderr(payload)
        case 3 where payload.count == 4: return .exit(Int32(bitPattern: word(payload, at: 0)))
        case 4 where payload.isEmpty: return .closeStdin
        case 5 where payload.count == 4:
            let value = word(payload, at: 0)
            return .resize(rows: UInt16(value >> 16), columns: UInt16(value & 0xffff))
        default: throw .malformed(kind: kind, length: payload.count)
        }
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    private static func word(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}

public enum AttachFrameError: Error, Equatable, CustomStringConvertible {
    case oversized(Int)
    case malformed(kind: UInt8, length: Int)

    public var description: String {
        switch self {
        case .oversized(let length): "attach frame of \(length) bytes exceeds the limit"
        case .malformed(let kind, let length): "malformed attach frame (kind \(kind), \(length) bytes)"
        }
    }
}
