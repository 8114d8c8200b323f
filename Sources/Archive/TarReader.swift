/// Reads ustar, pax (local and global headers) and GNU (long names, long links, base-256 numbers) archives.
/// Entries stream: `next()` returns a header, then the entry's content is read through the reader itself
/// as a `ByteSource` until it returns 0. Unread content is skipped by the following `next()`.
public final class TarReader: ByteSource {
    private let upstream: ByteSource
    private var remaining: Int64 = 0
    private var padding = 0
    private var globalPax: [String: String] = [:]
    private var ended = false

    public init(_ upstream: ByteSource) { self.upstream = upstream }

    public func next() throws -> TarEntry? {
        guard !ended else { return nil }
        var pax: [String: String] = [:]
        var longName: String?
        var longLink: String?
        while true {
            try skipRest()
            let block = try upstream.read(exactly: TarHeader.blockSize)
            if block.isEmpty {
                // Archives without the two zero blocks exist (truncated writers); treat a clean EOF as the end.
                ended = true
                return nil
            }
            guard block.count == TarHeader.blockSize else { throw ArchiveError.truncated("partial tar header") }
            if block.allSatisfy({ $0 == 0 }) {
                ended = true
                return nil
            }
            let stored = try Self.number(block, TarHeader.checksum, field: "checksum")
            guard stored == Int64(TarHeader.checksum(of: block)) else {
                throw ArchiveError.malformed("header checksum mismatch near \(Self.string(block, TarHeader.name))")
            }
            let size = try Self.number(block, TarHeader.size, field: "size")
            guard size >= 0 else { throw ArchiveError.malformed("negative size") }
            let type = block[TarHeader.typeFlag]
            switch type {
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                let records = try Self.paxRecords(try readMeta(size))
                if type == UInt8(ascii: "g") {
                    globalPax.merge(records) { $1 }
                } else {
                    pax.merge(records) { $1 }
                }
                continue
            case UInt8(ascii: "L"):
                longName = Self.cString(try readMeta(size))
                continue
            case UInt8(ascii: "K"):
                longLink = Self.cString(try readMeta(size))
                continue
            default:
                break
            }
            var entry = try Self.entry(from: block, size: size)
            let merged = globalPax.merging(pax) { $1 }
            if let name = longName { entry.path = name }
            if let link = longLink { entry.linkName = link }
            try Self.apply(merged, to: &entry)
            // Like GNU tar and Go's archive/tar: only regular files carry content, whatever `size` says.
            if entry.kind != .regular { entry.size = 0 }
            remaining = entry.size
            padding = TarHeader.padding(for: entry.size)
            return entry
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0 else { return 0 }
        let want = Int(min(Int64(buffer.count), remaining))
        let got = try upstream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
        if got == 0 { throw ArchiveError.truncated("entry content ends early") }
        remaining -= Int64(got)
        return got
    }

    private func skipRest() throws {
        var scratch = [UInt8](repeating: 0, count: 65536)
        while remaining > 0 {
            _ = try scratch.withUnsafeMutableBytes { try read(into: $0) }
        }
        if padding > 0 {
            let skipped = try upstream.read(exactly: padding)
            guard skipped.count == padding else { throw ArchiveError.truncated("entry padding") }
            padding = 0
        }
    }

    private func readMeta(_ size: Int64) throws -> [UInt8] {
        // Metadata records are small; a huge one is a hostile or corrupt archive.
        guard size <= 1 << 20 else { throw ArchiveError.malformed("extension header of \(size) bytes") }
        let bytes = try upstream.read(exactly: Int(size))
        guard bytes.count == Int(size) else { throw ArchiveError.truncated("extension header") }
        padding = TarHeader.padding(for: size)
        try skipRest()
        return bytes
    }

    private static func entry(from block: [UInt8], size: Int64) throws -> TarEntry {
        let kind: TarEntry.Kind
        switch block[TarHeader.typeFlag] {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): kind = .regular
        case UInt8(ascii: "1"): kind = .hardLink
        case UInt8(ascii: "2"): kind = .symbolicLink
        case UInt8(ascii: "3"): kind = .characterDevice
        case UInt8(ascii: "4"): kind = .blockDevice
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "6"): kind = .fifo
        case let other:
            throw ArchiveError.malformed("unsupported entry type '\(Character(Unicode.Scalar(other)))' for \(string(block, TarHeader.name))")
        }
        var path = string(block, TarHeader.name)
        let magic = Array(block[TarHeader.magic])
        // ustar ("ustar\0") has a prefix field; old GNU ("ustar ") uses those bytes for other things.
        if magic == Array("ustar\0".utf8) {
            let prefix = string(block, TarHeader.prefix)
            if !prefix.isEmpty { path = prefix + "/" + path }
        }
        var isDirectory = kind == .directory
        // Pre-POSIX archives mark directories only by a trailing slash on a NUL-typed entry.
        if block[TarHeader.typeFlag] == 0 && path.hasSuffix("/") { isDirectory = true }
        return TarEntry(
            path: path,
            kind: isDirectory ? .directory : kind,
            mode: UInt32(truncatingIfNeeded: try number(block, TarHeader.mode, field: "mode")) & 0o7777,
            uid: Int(try number(block, TarHeader.uid, field: "uid")),
            gid: Int(try number(block, TarHeader.gid, field: "gid")),
            size: isDirectory ? 0 : size,
            modificationTime: (try number(block, TarHeader.mtime, field: "mtime"), 0),
            linkName: string(block, TarHeader.linkName),
            deviceMajor: UInt32(truncatingIfNeeded: try number(block, TarHeader.deviceMajor, field: "devmajor")),
            deviceMinor: UInt32(truncatingIfNeeded: try number(block, TarHeader.deviceMinor, field: "devminor"))
        )
    }

    private static func apply(_ pax: [String: String], to entry: inout TarEntry) throws {
        for (key, value) in pax {
            switch key {
            case "path": entry.path = value
            case "linkpath": entry.linkName = value
            case "uid": entry.uid = Int(value) ?? entry.uid
            case "gid": entry.gid = Int(value) ?? entry.gid
            case "size":
                guard let size = Int64(value), size >= 0 else { throw ArchiveError.malformed("pax size \(value)") }
                if entry.kind == .regular { entry.size = size }
            case "mtime":
                let parts = value.split(separator: ".", maxSplits: 1)
                let seconds = Int64(parts.first ?? "") ?? entry.modificationTime.seconds
                var nanos: Int64 = 0
                if parts.count == 2 {
                    let digits = String(parts[1].prefix(9))
                    nanos = (Int64(digits) ?? 0) * pow10(9 - digits.count)
                }
                entry.modificationTime = (seconds, nanos)
            default:
                if key.hasPrefix("SCHILY.xattr.") {
                    entry.xattrs[String(key.dropFirst("SCHILY.xattr.".count))] = Array(value.utf8)
                }
            }
        }
    }

    private static func pow10(_ exponent: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<max(0, exponent) { result *= 10 }
        return result
    }

    /// Parses "<len> <key>=<value>\n" records; values may contain any byte but '\n' ends only at <len>.
    static func paxRecords(_ bytes: [UInt8]) throws -> [String: String] {
        var records: [String: String] = [:]
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0 { break }
            guard let space = bytes[index...].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: bytes[index..<space], as: UTF8.self)),
                length > space - index, index + length <= bytes.count
            else { throw ArchiveError.malformed("pax record") }
            let record = bytes[(space + 1)..<(index + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else { throw ArchiveError.malformed("pax record") }
            let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
            records[key] = String(decoding: record[(equals + 1)...], as: UTF8.self)
            index += length
        }
        return records
    }

    /// Octal text, or GNU base-256 when the first byte's high bit is set.
    static func number(_ block: [UInt8], _ range: Range<Int>, field: String) throws -> Int64 {
        let bytes = block[range]
        if let first = bytes.first, first & 0x80 != 0 {
            var value = Int64(first & 0x3f)
            let negative = first & 0x40 != 0
            for byte in bytes.dropFirst() { value = (value << 8) | Int64(byte) }
            return negative ? -value : value
        }
        var value: Int64 = 0
        var seenDigit = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                value = value * 8 + Int64(byte - UInt8(ascii: "0"))
                seenDigit = true
            case UInt8(ascii: " "), 0:
                if seenDigit { return value }
            default:
                throw ArchiveError.malformed("bad \(field) field")
            }
        }
        return value
    }

    static func string(_ block: [UInt8], _ range: Range<Int>) -> String {
        cString(Array(block[range]))
    }

    static func cString(_ bytes: [UInt8]) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: bytes[0..<end], as: UTF8.self)
    }
}
