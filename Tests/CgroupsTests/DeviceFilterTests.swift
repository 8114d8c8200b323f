import Cgroups
import Glibc
import Linux
import Testing

/// The cgroup v2 device filter: its instructions, and the real kernel running it on processes in a
/// unified-hierarchy cgroup (which a v1 hybrid host also has, at /sys/fs/cgroup/unified).
struct DeviceFilterTests {
    static let prologue = 6

    @Test func ruleBlocksJumpToTheNextRuleAndAnAllRuleEndsTheProgram() {
        let program = DeviceFilter.program([.denyAll, DeviceRule(.character, 1, 3)])
        #expect(program.count == Self.prologue + 5 + 2)
        #expect(Array(program[Self.prologue...]) == [
            .jumpIfNotEqual(2, 2, offset: 4),  // character device
            .jumpIfNotEqual(4, 1, offset: 3),  // major 1
            .jumpIfNotEqual(5, 3, offset: 2),  // minor 3
            .move(0, 1), .exit,
            .move(0, 0), .exit,  // the leading deny-all, reached by whatever no later rule matched
        ])
        // Privileged: one unconditional answer, nothing after it (the verifier refuses dead code).
        #expect(Array(DeviceFilter.program([.allowAll])[Self.prologue...]) == [.move(0, 1), .exit])
        #expect(Array(DeviceFilter.program([DeviceRule(.block, 8, nil, .mknod), .allowAll])[Self.prologue...])
            == [.move(0, 1), .exit])
    }

    @Test func accessTestsDifferForAllowAndDeny() {
        let allow = DeviceFilter.program([DeviceRule(.block, nil, nil, .mknod)])
        #expect(Array(allow[Self.prologue...]) == [
            .jumpIfNotEqual(2, 1, offset: 5),  // block device
            .move(1, register: 3), .and(1, 1),
            .jumpIfNotEqual(1, register: 3, offset: 2),  // asks for more than mknod
            .move(0, 1), .exit,
            .move(0, 0), .exit,  // no `a` rule: deny
        ])
        let deny = DeviceFilter.program([DeviceRule(.character, 1, 5, .write, allow: false)])
        #expect(deny[Self.prologue + 3] == .jumpIfEqual(1, 0, offset: 4))  // asks for no write
    }

    @Test func instructionsEncodeAsTheKernelReadsThem() {
        // jne r4, 136, +3: code 0x55, dst 4 in the low nibble, offset 3, immediate 136.
        #expect(BPFInstruction.jumpIfNotEqual(4, 136, offset: 3).encoded == 0x0000_0088_0003_0455)
        #expect(BPFInstruction.loadWord(2, from: 1, offset: 8).encoded == 0x0000_0000_0008_1261)
    }

    /// Each case attaches its own program to a fresh cgroup, puts a shell there and tries to open device
    /// nodes; the test runner (root, every capability) could open all of them without the filter.
    @Test(.enabled(if: getuid() == 0 && FileSystem.isDirectory("/sys/fs/cgroup/unified")))
    func kernelEnforcesTheProgramInAUnifiedCgroup() throws {
        let opens = ["< /dev/null", "> /dev/null", "< /dev/zero", "< /dev/kmsg", "> /dev/kmsg", "> /dev/zero"]
        let cases: [(rules: [DeviceRule], expected: [Bool])] = [
            (DeviceRule.defaults, [true, true, true, false, false, true]),
            (DeviceRule.defaults + [DeviceRule(.character, 1, 11, .read)], [true, true, true, true, false, true]),
            (DeviceRule.defaults + [DeviceRule(.character, 1, 5, .write, allow: false)],
             [true, true, true, false, false, false]),
            ([.allowAll], [true, true, true, true, true, true]),
        ]
        for (index, testCase) in cases.enumerated() {
            let results = try opensInCgroup(named: "swcompose-test-\(getpid())-\(index)", rules: testCase.rules, opens)
            #expect(results == testCase.expected, "rules \(testCase.rules)")
        }
    }

    /// For each redirection, whether a shell in a new cgroup with `rules` could open the node (any error
    /// other than EPERM drops the entry, so the comparison fails).
    private func opensInCgroup(named name: String, rules: [DeviceRule], _ opens: [String]) throws -> [Bool] {
        let cgroup = "/sys/fs/cgroup/unified/\(name)"
        try FileSystem.createDirectory(cgroup)
        defer { rmdir(cgroup) }
        try DeviceFilter.attach(rules, toCgroup: cgroup)
        // A failed redirection ends a shell: each open runs in a subshell.
        let script = "echo $$ > \(cgroup)/cgroup.procs || exit 9\n"
            + opens.map { "if error=$( (: \($0)) 2>&1 ); then echo yes; else echo \"$error\"; fi" }
            .joined(separator: "\n")
        let outputPath = "/tmp/\(name).out"
        let output = try FileDescriptor.open(outputPath, [.writeOnly, .create, .truncate])
        defer { output.closeQuietly(); unlink(outputPath) }
        var spawn = Spawn(executable: "/bin/busybox", arguments: ["sh", "-c", script])
        spawn.descriptors = [1: output]
        let pid = try spawn.run()
        let status = try #require(try Process.wait(pid)).status
        #expect(status == .exited(0))
        // Refused means EPERM, the devices cgroup's answer, not some other failure to open.
        return try FileSystem.readString(outputPath).split(separator: "\n").compactMap {
            $0 == "yes" ? true : $0.hasSuffix("Operation not permitted") ? false : nil
        }
    }
}
