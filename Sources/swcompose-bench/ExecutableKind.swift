import Glibc
import Linux

/// Whether a binary is linked statically: ARCHITECTURE.md's figures assume the static release build,
/// and a dynamic one starts several milliseconds slower.
enum ExecutableKind {
    /// "static ELF, 17.2 MiB" or "dynamic ELF, ..."; a dynamic ELF names its loader (PT_INTERP) in its first page.
    static func describe(_ path: String) -> String {
        guard let fd = try? FileDescriptor.open(path, .readOnly) else { return "unreadable" }
        defer { fd.closeQuietly() }
        var head = [UInt8](repeating: 0, count: 4096)
        let count = head.withUnsafeMutableBytes { raw in read(fd.rawValue, raw.baseAddress, raw.count) }
        guard count > 4, head[0..<4] == [0x7f, 0x45, 0x4c, 0x46] else { return "not an ELF file" }
        let loader = Array("ld-linux".utf8)
        let dynamic = (0...(count - loader.count)).contains { head[$0..<($0 + loader.count)].elementsEqual(loader) }
        var st = stat()
        let size = stat(path, &st) == 0 ? Figure.mebibytes(kib: Double(st.st_size) / 1024) : "?"
        return "\(dynamic ? "dynamic" : "static") ELF, \(size) MiB"
    }
}
