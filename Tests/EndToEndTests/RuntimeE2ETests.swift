import Foundation
import Linux
import Testing

/// Runtime features seen from inside a container, through `up -d` and `exec -T` as a user runs them.
@Suite(.serialized) struct RuntimeE2ETests {
    static let idle = #"["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]"#

    /// Runs a shell line in the service's container and returns its stdout without the trailing newline.
    func inside(_ stack: Stack, _ service: String, _ line: String) -> String {
        let result = stack.run(["exec", "-T", service, "sh", "-c", line])
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    func sha256(_ path: String) -> String {
        Stack.exec(["/usr/bin/sha256sum", path], environment: [:], cwd: "/").stdout
    }

    @Test func initReapsOrphansAndForwardsTheStopSignal() throws {
        let stack = try Stack("""
        services:
          app:
            image: localhost/busybox:test
            init: true
            stop_grace_period: 8s
            command: ["sh", "-c", "trap 'echo got-term; exit 0' TERM; (sleep 0.2 &); sleep inf & wait"]
        """, name: "init")
        defer { stack.tearDown() }
        try stack.upDetached()
        // PID 1 is our init, the command its child.
        #expect(inside(stack, "app", "sed -n 's/^Name:\\t//p' /proc/1/status") != "sh")
        #expect(inside(stack, "app", "sed -n 's/^PPid:\\t//p' /proc/2/status") == "1")
        // The orphaned sleep was re-parented to PID 1 and reaped when it exited: no zombie left.
        Thread.sleep(forTimeInterval: 0.6)
        #expect(inside(stack, "app", "grep -l '^State:.*Z' /proc/[0-9]*/status | wc -l") == "0")

        let started = Date()
        let stop = stack.run(["stop", "app"])
        #expect(stop.status == 0, "\(stop.stderr)")
        // SIGTERM reached the command (its trap ran) well before the 8 s grace period ran out.
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(stack.run(["logs", "--no-log-prefix", "app"]).stdout.contains("got-term"))
    }

    @Test func namedVolumesAreFilledFromTheImageUnlessNocopyAndOutliveTheirContainer() throws {
        let stack = try Stack("""
        services:
          app:
            image: localhost/busybox:test
            command: \(Self.idle)
            volumes:
              - config:/etc
              - tools:/usr/bin
              - scratch:/tmp
              - {type: volume, source: bare, target: /sbin, volume: {nocopy: true}}
        volumes: {config: {}, tools: {}, scratch: {}, bare: {}}
        """, name: "vol")
        defer { stack.tearDown() }
        try stack.upDetached()
        let volumes = "\(stack.root)/lib/volumes/\(stack.project)"
        #expect(try String(contentsOfFile: volumes + "_config/_data/passwd", encoding: .utf8).hasPrefix("root:x:0:0"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: volumes + "_tools/_data/env") == "/bin/busybox")
        let tmp = try FileManager.default.attributesOfItem(atPath: volumes + "_scratch/_data")
        #expect((tmp[.posixPermissions] as? Int) == 0o1777)
        #expect(try FileManager.default.contentsOfDirectory(atPath: volumes + "_bare/_data").isEmpty)
        #expect(inside(stack, "app", "ls /sbin | wc -l") == "0")

        #expect(stack.run(["exec", "-T", "app", "sh", "-c", "echo kept > /etc/marker"]).status == 0)
        #expect(stack.run(["down"]).status == 0)
        #expect(try String(contentsOfFile: volumes + "_config/_data/marker", encoding: .utf8) == "kept\n")
        // A volume that is no longer empty is not filled again.
        try FileManager.default.removeItem(atPath: volumes + "_config/_data/passwd")
        #expect(stack.run(["up", "-d"]).status == 0)
        #expect(inside(stack, "app", "cat /etc/marker; test -e /etc/passwd || echo no-passwd") == "kept\nno-passwd")
    }

    @Test func imageVolumesGetAnAnonymousVolumeFilledFromTheImage() throws {
        let stack = try Stack("""
        services:
          app:
            image: localhost/busyvol:test
            command: \(Self.idle)
        """, name: "anon")
        defer { stack.tearDown() }
        let archive = stack.directory + "/busyvol.tar"
        let script = """
        set -e; cd "$(mktemp -d)"; trap 'rm -rf "$PWD"' EXIT
        cp "$1" base.tar
        mkdir -p data/seed && echo seeded > data/seed/file && tar --numeric-owner -cf data.tar data
        a=$(sha256sum base.tar | cut -d' ' -f1); b=$(sha256sum data.tar | cut -d' ' -f1)
        printf '{"architecture":"amd64","os":"linux","config":{"Volumes":{"/data":{}}},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}' $a $b > config.json
        printf '[{"Config":"config.json","RepoTags":["localhost/busyvol:test"],"Layers":["base.tar","data.tar"]}]' > manifest.json
        tar -cf "$2" manifest.json config.json base.tar data.tar
        """
        let made = Stack.exec(["/bin/bash", "-c", script, "build", Stack.busyboxTar, archive], environment: ["PATH": "/usr/bin:/bin"], cwd: "/")
        #expect(made.status == 0, "\(made.stderr)")
        let load = stack.run(["image", "load", "-i", archive])
        #expect(load.status == 0, "\(load.stderr)")
        let up = stack.run(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(inside(stack, "app", "cat /data/seed/file") == "seeded")
        #expect(inside(stack, "app", "grep -c ' /data ' /proc/mounts") == "1")
        let containers = try FileManager.default.contentsOfDirectory(atPath: stack.root + "/lib/containers")
        let anon = "\(stack.root)/lib/containers/\(containers.first ?? "")/anon/image-0/seed/file"
        #expect(FileManager.default.fileExists(atPath: anon))
    }

    @Test func serviceOptionsTakeEffectInsideTheContainer() throws {
        let stack = try Stack("""
        services:
          app:
            image: localhost/busybox:test
            command: \(Self.idle)
            tmpfs: ["/scratch:size=1m,mode=1770"]
            volumes: [{type: tmpfs, target: /cache, tmpfs: {size: 2097152}}]
            read_only: true
            shm_size: 8m
            sysctls: {net.core.somaxconn: "1234"}
            ulimits: {nofile: {soft: 1024, hard: 2048}}
            devices: ["/dev/null:/dev/mynull"]
            cap_add: [NET_ADMIN]
            cap_drop: [CHOWN]
            user: "1000:1000"
            group_add: ["2000"]
            working_dir: /scratch
            domainname: example.org
          root:
            image: localhost/busybox:test
            command: \(Self.idle)
            privileged: true
        """, name: "opts")
        defer { stack.tearDown() }
        try stack.upDetached()
        #expect(inside(stack, "app", "grep 'open files' /proc/1/limits | awk '{print $4, $5}'") == "1024 2048")
        #expect(inside(stack, "app", "stat -c %a /scratch; df -k /scratch | tail -1 | awk '{print $2}'") == "1770\n1024")
        #expect(inside(stack, "app", "df -k /cache | tail -1 | awk '{print $2}'") == "2048")
        #expect(inside(stack, "app", "touch /rootfs-write 2>/dev/null && echo writable || echo read-only") == "read-only")
        #expect(inside(stack, "app", "df -k /dev/shm | tail -1 | awk '{print $2}'") == "8192")
        #expect(inside(stack, "app", "cat /proc/sys/net/core/somaxconn") == "1234")
        #expect(inside(stack, "app", "grep 'open files' /proc/self/limits | awk '{print $4, $5}'") == "1024 2048")
        #expect(inside(stack, "app", "test -c /dev/mynull && echo char") == "char")
        // CapEff bit 12 (NET_ADMIN) set, bit 0 (CHOWN) clear; exec sessions get the container's set too.
        let capabilities = UInt64(inside(stack, "app", "sed -n 's/^CapBnd:\\t//p' /proc/1/status"), radix: 16) ?? 0
        #expect(capabilities & (1 << 12) != 0 && capabilities & 1 == 0, "\(String(capabilities, radix: 16))")
        #expect(inside(stack, "app", "id -u; id -g; id -G") == "1000\n1000\n1000 2000")
        #expect(inside(stack, "app", "pwd") == "/scratch")
        #expect(inside(stack, "app", "cat /proc/sys/kernel/domainname") == "example.org")
        // Privileged: every capability swcompose itself holds.
        let held = try String(contentsOfFile: "/proc/self/status", encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("CapPrm:") }.map { String($0.dropFirst(8)) }
        #expect(inside(stack, "root", "sed -n 's/^CapEff:\\t//p' /proc/1/status") == held)
    }

    /// The devices cgroup: docker's defaults, plus what `devices:` gives, or everything when privileged. Every
    /// check runs in an exec session, which shares the container's cgroup. 1:11 (/dev/kmsg) opens for writing
    /// with no capability, so only the cgroup can refuse it.
    @Test func containersOpenOnlyTheDevicesTheyWereGiven() throws {
        let stack = try Stack("""
        services:
          plain:
            image: localhost/busybox:test
            command: \(Self.idle)
          given:
            image: localhost/busybox:test
            command: \(Self.idle)
            devices: ["/dev/kmsg:/dev/mykmsg"]
          root:
            image: localhost/busybox:test
            command: \(Self.idle)
            privileged: true
        """, name: "devices")
        defer { stack.tearDown() }
        try stack.upDetached()
        let open = "mknod /tmp/node c 1 11; if error=$( (: > /tmp/node) 2>&1 ); then echo open; else echo $error; fi"
        #expect(inside(stack, "plain", open).hasSuffix("Operation not permitted"))
        #expect(inside(stack, "plain", "head -c 3 /dev/zero | wc -c; echo x > /dev/null && echo null") == "3\nnull")
        #expect(inside(stack, "given", "(: > /dev/mykmsg) && echo given") == "given")
        // The given device's numbers are allowed, whatever the node's name: that is the kernel's rule too.
        #expect(inside(stack, "given", open) == "open")
        #expect(inside(stack, "given", "mknod /tmp/fuse c 10 229; (: > /tmp/fuse) 2>&1").hasSuffix("Operation not permitted"))
        #expect(inside(stack, "root", open) == "open")
    }

    /// Settings that cannot work fail `up` at creation with a message naming them.
    @Test(arguments: [
        (#"devices: ["/dev/swc-no-such-device:/dev/x"]"#, "device /dev/swc-no-such-device: No such file or directory"),
        (#"sysctls: {kernel.panic: "5"}"#, "sysctl kernel.panic is not namespaced"),
    ])
    func impossibleSettingsAreRefused(setting: String, message: String) throws {
        let stack = try Stack("""
        services:
          app:
            image: localhost/busybox:test
            command: \(Self.idle)
            \(setting)
        """, name: "refuse")
        defer { stack.tearDown() }
        stack.importBusybox()
        let up = stack.run(["up", "-d"])
        #expect(up.status != 0)
        #expect(up.stderr.contains(message), "\(up.stderr)")
    }

    /// CVE-2019-5736: nothing in a container can write the swcompose binary through /proc/<pid>/exe.
    @Test func containerCannotOverwriteTheHostBinary() throws {
        let stack = try Stack("""
        services:
          probe:
            image: localhost/busybox:test
            init: true
            command: ["sh", "-c", "for f in /proc/1/exe /proc/self/exe; do (echo x >> $$f) 2>/dev/null && echo wrote $$f || echo refused $$f; done; sleep inf & wait"]
          evil:
            image: localhost/busybox:test
            entrypoint: ["/proc/self/exe"]
            command: ["__run"]
        """, name: "cve")
        defer { stack.tearDown() }
        stack.importBusybox()
        let before = sha256(Stack.binary)
        #expect(stack.run(["up", "-d", "probe"]).status == 0)
        var logs = ""
        for _ in 0..<50 where !logs.contains("/proc/self/exe") {
            Thread.sleep(forTimeInterval: 0.1)
            logs = stack.run(["logs", "--no-log-prefix", "probe"]).stdout
        }
        #expect(logs.contains("refused /proc/1/exe"), "\(logs)")
        // The host binary is never the container's to execute.
        let evil = stack.run(["up", "-d", "evil"])
        #expect(evil.status != 0)
        #expect(evil.stderr.contains("swcompose binary"), "\(evil.stderr)")
        #expect(stack.run(["exec", "-T", "probe", "/proc/self/exe"]).status != 0)
        #expect(sha256(Stack.binary) == before)
    }
}

extension RuntimeE2ETests {
    @Test func statsShowsCpuMemoryPidsAndBlockIO() throws {
        let stack = try Stack("""
        services:
          busy:
            image: localhost/busybox:test
            mem_limit: 64m
            command: ["sh", "-c", "trap 'exit 0' TERM; dd if=/dev/zero of=/tmp/block bs=64k count=64 conv=fsync 2>/dev/null; while :; do :; done & wait"]
          idle:
            image: localhost/busybox:test
            command: \(Self.idle)
        """, name: "stats")
        defer { stack.tearDown() }
        try stack.upDetached()
        Thread.sleep(forTimeInterval: 0.5)
        let stats = stack.run(["stats", "--no-stream", "--format", "json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let rows = stats.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
        }
        let busy = try #require(rows.first { $0["Name"] == "\(stack.project)-busy-1" }, "\(stats.stdout)")
        let idle = try #require(rows.first { $0["Name"] == "\(stack.project)-idle-1" }, "\(stats.stdout)")
        #expect(Double(busy["CPUPerc"]?.dropLast() ?? "") ?? 0 > 20, "\(busy)")
        #expect(busy["MemUsage"]?.hasSuffix(" / 64.0MiB") == true, "\(busy)")
        #expect(busy["MemUsage"]?.hasPrefix("0B") == false, "\(busy)")
        #expect(busy["PIDs"] == "2", "\(busy)")
        #expect(idle["PIDs"] == "2", "\(idle)")
        #expect(idle["MemUsage"]?.hasPrefix("0B") == false, "\(idle)")
        // Some kernels (this CI's) account no block I/O at all: the root blkio cgroup then lists no device.
        let accounted = (try? String(contentsOfFile: "/sys/fs/cgroup/blkio/blkio.throttle.io_service_bytes", encoding: .utf8))
            .map { $0.split(separator: "\n").count > 1 } ?? true
        if accounted {
            #expect(busy["BlockIO"]?.hasSuffix(" / 0B") == false, "\(busy)")
        } else {
            #expect(busy["BlockIO"] == "0B / 0B", "\(busy)")
        }
    }
}
