import CLinux

/// One eBPF instruction (struct bpf_insn): opcode, destination and source registers, offset, immediate.
public struct BPFInstruction: Equatable, Sendable, CustomStringConvertible {
    public var code: UInt8
    public var destination: UInt8
    public var source: UInt8
    public var offset: Int16
    public var immediate: Int32

    public init(code: UInt8, destination: UInt8 = 0, source: UInt8 = 0, offset: Int16 = 0, immediate: Int32 = 0) {
        self.code = code
        self.destination = destination
        self.source = source
        self.offset = offset
        self.immediate = immediate
    }

    /// The 8 bytes the kernel reads, as one little-endian word (dst_reg is the low nibble of byte 1).
    public var encoded: UInt64 {
        UInt64(code) | UInt64(destination & 0xF) << 8 | UInt64(source & 0xF) << 12
            | UInt64(UInt16(bitPattern: offset)) << 16 | UInt64(UInt32(bitPattern: immediate)) << 32
    }

    /// A conditional or unconditional jump (class BPF_JMP), whose offset counts instructions; not `exit`.
    public var isJump: Bool { code & 0x07 == 0x05 && code != Self.exit.code }

    public var description: String {
        "code=0x\(String(code, radix: 16)) dst=r\(destination) src=r\(source) off=\(offset) imm=\(immediate)"
    }

    // The few classes and operations a device filter needs (linux/bpf_common.h, linux/bpf.h).
    /// `dst = *(u32 *)(src + offset)`
    public static func loadWord(_ destination: UInt8, from source: UInt8, offset: Int16) -> Self {
        Self(code: 0x61, destination: destination, source: source, offset: offset)
    }
    /// `dst &= imm` (32-bit)
    public static func and(_ destination: UInt8, _ immediate: Int32) -> Self {
        Self(code: 0x54, destination: destination, immediate: immediate)
    }
    /// `dst >>= imm` (32-bit)
    public static func shiftRight(_ destination: UInt8, _ immediate: Int32) -> Self {
        Self(code: 0x74, destination: destination, immediate: immediate)
    }
    /// `dst = imm` (32-bit)
    public static func move(_ destination: UInt8, _ immediate: Int32) -> Self {
        Self(code: 0xb4, destination: destination, immediate: immediate)
    }
    /// `dst = src` (32-bit)
    public static func move(_ destination: UInt8, register source: UInt8) -> Self {
        Self(code: 0xbc, destination: destination, source: source)
    }
    /// `if dst != imm goto pc + 1 + offset`
    public static func jumpIfNotEqual(_ destination: UInt8, _ immediate: Int32, offset: Int16) -> Self {
        Self(code: 0x55, destination: destination, offset: offset, immediate: immediate)
    }
    /// `if dst != src goto pc + 1 + offset`
    public static func jumpIfNotEqual(_ destination: UInt8, register source: UInt8, offset: Int16) -> Self {
        Self(code: 0x5d, destination: destination, source: source, offset: offset)
    }
    /// `if dst == imm goto pc + 1 + offset`
    public static func jumpIfEqual(_ destination: UInt8, _ immediate: Int32, offset: Int16) -> Self {
        Self(code: 0x15, destination: destination, offset: offset, immediate: immediate)
    }
    /// `return r0`
    public static let exit = Self(code: 0x95)
}

/// The bpf(2) calls a cgroup device filter needs.
public enum BPF {
    /// Loads a BPF_PROG_TYPE_CGROUP_DEVICE program. A rejected program is loaded again with the verifier's
    /// log on, so the error says why; that log becomes the error's subject.
    public static func loadCgroupDeviceProgram(_ instructions: [BPFInstruction]) throws(Errno) -> FileDescriptor {
        let words = instructions.map(\.encoded)
        let fd = clinux_bpf_load_cgroup_device(words, UInt32(words.count), nil, 0)
        if fd >= 0 { return FileDescriptor(rawValue: fd) }
        let code = clinux_errno()
        var log = [CChar](repeating: 0, count: 1 << 16)
        let retried = clinux_bpf_load_cgroup_device(words, UInt32(words.count), &log, UInt32(log.count))
        if retried >= 0 { return FileDescriptor(rawValue: retried) }
        let text = String(decoding: log.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw Errno(code, call: "bpf BPF_PROG_LOAD", subject: text.isEmpty ? "cgroup device program" : text)
    }

    /// Attaches a loaded device program to the cgroup `directory` (an open cgroup v2 directory) alongside any
    /// already there: a device is usable only if every attached program allows it.
    public static func attachCgroupDeviceProgram(_ program: FileDescriptor, to directory: FileDescriptor) throws(Errno) {
        try check(clinux_bpf_attach_cgroup_device(directory.rawValue, program.rawValue), "bpf BPF_PROG_ATTACH")
    }
}
