import Linux

/// A cgroup v2 device filter: the eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) that answers, for each open or
/// mknod of a device node, whether the rules allow it. cgroup v2 has no devices files; this is its only form.
public enum DeviceFilter {
    // Registers: r1 holds the context (struct bpf_cgroup_dev_ctx: access_type, major, minor as u32) on entry;
    // the prologue spreads it over r2...r5, after which r1 is scratch. r0 is the answer: 1 allows, 0 denies.
    static let type: UInt8 = 2, access: UInt8 = 3, major: UInt8 = 4, minor: UInt8 = 5, scratch: UInt8 = 1

    /// The program for `rules`. The kernel's list semantics (later rules override earlier ones) become
    /// "first match wins" over the rules in reverse; an `a` rule matches everything, so it ends the program,
    /// and a list without one denies whatever no rule matched.
    public static func program(_ rules: [DeviceRule]) -> [BPFInstruction] {
        var program: [BPFInstruction] = [
            .loadWord(type, from: scratch, offset: 0), .and(type, 0xFFFF),
            .loadWord(access, from: scratch, offset: 0), .shiftRight(access, 16),
            .loadWord(major, from: scratch, offset: 4),
            .loadWord(minor, from: scratch, offset: 8),
        ]
        for rule in rules.reversed() {
            if rule.kind == .all {
                // The verifier refuses unreachable instructions, so nothing may follow.
                return program + [.move(0, rule.allow ? 1 : 0), .exit]
            }
            program += block(rule)
        }
        return program + [.move(0, 0), .exit]
    }

    /// One rule: each test jumps past the block's end when the request does not match.
    static func block(_ rule: DeviceRule) -> [BPFInstruction] {
        // Every jump is built with offset 0 and pointed at the block's end once the block's length is known.
        var tests: [BPFInstruction] = [.jumpIfNotEqual(type, rule.kind == .block ? 1 : 2, offset: 0)]
        if rule.access != .all {
            let mask = Int32(rule.access.rawValue)
            tests += [.move(scratch, register: access), .and(scratch, mask)]
            // An allow rule covers a request only if it grants every access asked for; a deny rule
            // refuses a request that asks for any access it names.
            tests.append(rule.allow
                ? .jumpIfNotEqual(scratch, register: access, offset: 0) : .jumpIfEqual(scratch, 0, offset: 0))
        }
        if let number = rule.major { tests.append(.jumpIfNotEqual(major, Int32(bitPattern: number), offset: 0)) }
        if let number = rule.minor { tests.append(.jumpIfNotEqual(minor, Int32(bitPattern: number), offset: 0)) }
        var block = tests + [.move(0, rule.allow ? 1 : 0), .exit]
        for index in block.indices where block[index].isJump {
            block[index].offset = Int16(block.count - index - 1)
        }
        return block
    }

    /// Loads the program for `rules` and attaches it to the cgroup v2 directory `path`. The attachment keeps
    /// the program alive, so its descriptor is closed here.
    public static func attach(_ rules: [DeviceRule], toCgroup path: String) throws(CgroupError) {
        let program: FileDescriptor
        do { program = try BPF.loadCgroupDeviceProgram(Self.program(rules)) } catch {
            throw CgroupError("load the device filter for \(path)", error)
        }
        defer { program.closeQuietly() }
        do {
            let directory = try FileDescriptor.open(path, [.directory, .readOnly])
            defer { directory.closeQuietly() }
            try BPF.attachCgroupDeviceProgram(program, to: directory)
        } catch {
            throw CgroupError("attach the device filter to \(path)", error)
        }
    }
}
