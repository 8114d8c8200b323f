/// Builds a tar archive in memory (pax headers for long names, links and xattrs). Used for imported
/// layers, pushes and test fixtures; a layer large enough to matter is streamed by `TarReader` instead.
public struct TarWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Appends `entry`; `contents` must be `entry.size` bytes for regular files.
    public mutating func append(_ entry: TarEntry, contents: [UInt8] = []) {
        var entry = entry
        if entry.kind == .regular { entry.size = Int64(contents.count) } else { entry.size = 0 }
        var pax: [(String, String)] = []
        if entry.path.utf8.count > 100 { pax.append(("path", entry.path)) }
        if entry.linkName.utf8.count > 100 { pax.append(("linkpath", entry.linkName)) }
        if entry.modificationTime.nanoseconds != 0 {
            let nanos = String(entry.modificationTime.nanoseconds)
            let padded = String(repeating: "0", count: 9 - nanos.count) + nanos
            pax.append(("mtime", "\(entry.modificationTime.seconds).\(padded)"))
        }
        for (name, value) in entry.xattrs.sorted(by: { $0.key < $1.key }) {
            pax.append(("SCHILY.xattr." + name, String(decoding: value, as: UTF8.self)))
        }
        if !pax.isEmpty {
            let body = Self.paxBody(pax)
            appendHeader(TarEntry(path: "PaxHeader/" + String(entry.path.suffix(80)), kind: .regular, size: Int64(body.count)),
                         type: UInt8(ascii: "x"))
            appendContent(body)
        }
        appendHeader(entry, type: Self.typeFlag(entry.kind))
        appendContent(contents)
    }

    /// Appends a GNU `L` long-name record followed by the entry: for readers that must accept GNU archives.
    public mutating func appendGNULongName(_ entry: TarEntry, contents: [UInt8] = []) {
        let name = Array(entry.path.utf8) + [0]
        appendHeader(TarEntry(path: "././@LongLink", kind: .regular, size: Int64(name.count)), type: UInt8(ascii: "L"))
        appendContent(name)
        var short = entry
        short.path = String(entry.path.suffix(99))
        short.size = Int64(contents.count)
        appendHeader(short, type: Self.typeFlag(entry.kind))
        appendContent(contents)
    }

    /// Raw bytes, for corrupt-archive tests.
    public mutating func appendRaw(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    /// Two zero blocks end the archive.
    public mutating func finish() {
        bytes.append(contentsOf: [UInt8](repeating: 0, count: 2 * TarHeader.blockSize))
    }

    private mutating func appendHeader(_ entry: TarEntry, type: UInt8) {
        var block = [UInt8](repeating: 0, count: TarHeader.blockSize)
        Self.put(Array(entry.path.utf8.prefix(100)), into: &block, TarHeader.name)
        Self.putOctal(Int64(entry.mode), into: &block, TarHeader.mode)
        Self.putOctal(Int64(entry.uid), into: &block, TarHeader.uid)
        Self.putOctal(Int64(entry.gid), into: &block, TarHeader.gid)
        Self.putOctal(entry.size, into: &block, TarHeader.size)
        Self.putOctal(entry.modificationTime.seconds, into: &block, TarHeader.mtime)
        block[TarHeader.typeFlag] = type
        Self.put(Array(entry.linkName.utf8.prefix(100)), into: &block, TarHeader.linkName)
        Self.put(Array("ustar\u{0}00".utf8), into: &block, TarHeader.magic.lowerBound..<TarHeader.version.upperBound)
        Self.putOctal(Int64(entry.deviceMajor), into: &block, TarHeader.deviceMajor)
        Self.putOctal(Int64(entry.deviceMinor), into: &block, TarHeader.deviceMinor)
        let sum = TarHeader.checksum(of: block)
        Self.putOctal(Int64(sum), into: &block, TarHeader.checksumRange.lowerBound..<(TarHeader.checksumRange.upperBound - 1))
        block[TarHeader.checksumRange.upperBound - 1] = UInt8(ascii: " ")
        bytes.append(contentsOf: block)
    }

    private mutating func appendContent(_ contents: [UInt8]) {
        bytes.append(contentsOf: contents)
        bytes.append(contentsOf: [UInt8](repeating: 0, count: TarHeader.padding(for: Int64(contents.count))))
    }

    private static func paxBody(_ records: [(String, String)]) -> [UInt8] {
        var body: [UInt8] = []
        for (key, value) in records {
            let payload = " \(key)=\(value)\n".utf8.count
            // The length prefix counts its own digits.
            var length = payload + 1
            while String(length).count + payload != length { length = String(length).count + payload }
            body.append(contentsOf: Array("\(length) \(key)=\(value)\n".utf8))
        }
        return body
    }

    private static func typeFlag(_ kind: TarEntry.Kind) -> UInt8 {
        switch kind {
        case .regular: UInt8(ascii: "0")
        case .hardLink: UInt8(ascii: "1")
        case .symbolicLink: UInt8(ascii: "2")
        case .characterDevice: UInt8(ascii: "3")
        case .blockDevice: UInt8(ascii: "4")
        case .directory: UInt8(ascii: "5")
        case .fifo: UInt8(ascii: "6")
        }
    }

    private static func put(_ value: [UInt8], into block: inout [UInt8], _ range: Range<Int>) {
        for (offset, byte) in value.prefix(range.count).enumerated() { block[range.lowerBound + offset] = byte }
    }

    /// Zero-padded octal with a terminating NUL, as ustar readers expect.
    private static func putOctal(_ value: Int64, into block: inout [UInt8], _ range: Range<Int>) {
        let digits = String(value, radix: 8)
        let padded = String(repeating: "0", count: max(0, range.count - 1 - digits.count)) + digits
        put(Array(padded.utf8), into: &block, range)
    }
}
