/// One member of a tar archive, with every extension (pax, GNU long names) already applied.
public struct TarEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case regular, hardLink, symbolicLink, characterDevice, blockDevice, directory, fifo
    }

    public var path: String
    public var kind: Kind
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    public var size: Int64
    /// Seconds and nanoseconds since the epoch; pax gives sub-second precision.
    public var modificationTime: (seconds: Int64, nanoseconds: Int64)
    /// Target of a symlink or a hard link.
    public var linkName: String
    public var deviceMajor: UInt32
    public var deviceMinor: UInt32
    /// Extended attributes from pax `SCHILY.xattr.<name>` records.
    public var xattrs: [String: [UInt8]]

    public init(
        path: String, kind: Kind, mode: UInt32 = 0o644, uid: Int = 0, gid: Int = 0, size: Int64 = 0,
        modificationTime: (seconds: Int64, nanoseconds: Int64) = (0, 0), linkName: String = "",
        deviceMajor: UInt32 = 0, deviceMinor: UInt32 = 0, xattrs: [String: [UInt8]] = [:]
    ) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.modificationTime = modificationTime
        self.linkName = linkName
        self.deviceMajor = deviceMajor
        self.deviceMinor = deviceMinor
        self.xattrs = xattrs
    }

    public static func == (lhs: TarEntry, rhs: TarEntry) -> Bool {
        lhs.path == rhs.path && lhs.kind == rhs.kind && lhs.mode == rhs.mode && lhs.uid == rhs.uid
            && lhs.gid == rhs.gid && lhs.size == rhs.size && lhs.modificationTime == rhs.modificationTime
            && lhs.linkName == rhs.linkName && lhs.deviceMajor == rhs.deviceMajor
            && lhs.deviceMinor == rhs.deviceMinor && lhs.xattrs == rhs.xattrs
    }
}

/// Byte layout of the 512-byte ustar header, shared by reader and writer.
enum TarHeader {
    static let blockSize = 512
    static let name = 0..<100
    static let mode = 100..<108
    static let uid = 108..<116
    static let gid = 116..<124
    static let size = 124..<136
    static let mtime = 136..<148
    static let checksum = 148..<156
    static let typeFlag = 156
    static let linkName = 157..<257
    static let magic = 257..<263
    static let version = 263..<265
    static let userName = 265..<297
    static let groupName = 297..<329
    static let deviceMajor = 329..<337
    static let deviceMinor = 337..<345
    static let prefix = 345..<500

    static func checksum(of block: [UInt8]) -> Int {
        var sum = 0
        for (index, byte) in block.enumerated() {
            sum += checksumRange.contains(index) ? 0x20 : Int(byte)
        }
        return sum
    }

    static let checksumRange = 148..<156

    static func padding(for size: Int64) -> Int {
        let remainder = Int(size % Int64(blockSize))
        return remainder == 0 ? 0 : blockSize - remainder
    }
}
