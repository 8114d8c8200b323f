import Foundation
import Testing

@Suite struct PrivilegedTests {
    @Test func privilegedContainerSeesTheHostsDevices() throws {
        let stack = try Stack("""
            services:
              plain:
                image: localhost/busybox:test
                command: ["sleep", "inf"]
                stop_grace_period: 1s
              admin:
                image: localhost/busybox:test
                privileged: true
                command: ["sleep", "inf"]
                stop_grace_period: 1s
            """, name: "priv")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        try stack.upDetached()
        // /dev/kmsg (c 1:11) exists on every Linux host; only the privileged container gets it, with the host's mode.
        var host = stat()
        try #require(stat("/dev/kmsg", &host) == 0)
        let listed = stack.run(["exec", "-T", "admin", "stat", "-c", "%F %t:%T %a", "/dev/kmsg"])
        #expect(listed.stdout == "character special file 1:b \(String(host.st_mode & 0o777, radix: 8))\n", "\(listed.stderr)")
        #expect(stack.run(["exec", "-T", "admin", "head", "-c", "0", "/dev/kmsg"]).status == 0)
        #expect(stack.run(["exec", "-T", "plain", "ls", "/dev/kmsg"]).status != 0)
        // The container's own /dev stays: its null and its devpts, not the host's.
        #expect(stack.run(["exec", "-T", "admin", "sh", "-c", "echo x > /dev/null && ls /dev/pts/ptmx"]).status == 0)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/net/tun"), "this host has no /dev/net/tun"))
    func aDeviceDirectoryGivesEveryNodeUnderIt() throws {
        let stack = try Stack("""
            services:
              vpn:
                image: localhost/busybox:test
                devices: ["/dev/net:/dev/vpn"]
                command: ["sleep", "inf"]
                stop_grace_period: 1s
            """, name: "devdir")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        try stack.upDetached()
        let listed = stack.run(["exec", "-T", "vpn", "stat", "-c", "%F %t:%T", "/dev/vpn/tun"])
        #expect(listed.stdout == "character special file a:c8\n", "\(listed.stderr)")
    }
}
