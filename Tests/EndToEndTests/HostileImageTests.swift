import Foundation
import Linux
import Testing

/// An image whose mount targets are symlinks aimed at a host directory: every mount, created file and copy-up
/// must land where the link resolves inside the container's root (docker's behaviour), never on the host.
@Suite(.serialized) struct HostileImageTests {
    /// The busybox rootfs plus the hostile links, as an image tar next to `host`.
    func hostileImage(aimingAt host: String) throws -> String {
        let rootfs = host + "-rootfs"
        try FileManager.default.createDirectory(atPath: rootfs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: rootfs) }
        let unpack = Stack.exec(["/usr/bin/tar", "-C", rootfs, "-xf", Stack.busyboxTar], environment: [:], cwd: "/")
        #expect(unpack.status == 0, "\(unpack.stderr)")
        let links = [
            "data": host + "/data",
            // Relative, with far more ".." than the rootfs is deep.
            "rel": String(repeating: "../", count: 16) + host.dropFirst() + "/rel",
            "etc/hosts": host + "/hosts",
            "scratch": host + "/scratch",
            "devs": host + "/devs",
            "vol": host + "/vol",
        ]
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: rootfs + "/" + name, withDestinationPath: target)
        }
        // What /vol resolves to inside the image: copy-up must take this, not the host's directory.
        try FileManager.default.createDirectory(atPath: rootfs + host + "/vol", withIntermediateDirectories: true)
        try "image\n".write(toFile: rootfs + host + "/vol/from-image", atomically: true, encoding: .utf8)
        let tar = host + ".tar"
        let pack = Stack.exec(["/usr/bin/tar", "-C", rootfs, "--numeric-owner", "-cf", tar, "."], environment: [:], cwd: "/")
        #expect(pack.status == 0, "\(pack.stderr)")
        return tar
    }

    @Test func symlinkedMountTargetsResolveInsideTheRootNotOnTheHost() throws {
        let host = NSTemporaryDirectory() + "swc-escape-\(UInt32.random(in: 0..<UInt32.max))"
        for directory in ["data", "rel", "scratch", "devs", "vol"] {
            try FileManager.default.createDirectory(atPath: host + "/" + directory, withIntermediateDirectories: true)
        }
        try "host\n".write(toFile: host + "/vol/host-secret", atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(atPath: host)
            try? FileManager.default.removeItem(atPath: host + ".tar")
        }
        let tar = try hostileImage(aimingAt: host)
        let stack = try Stack("""
        services:
          app:
            image: localhost/swc-hostile:test
            command: \(RuntimeE2ETests.idle)
            volumes: ["./src:/data", "./src:/rel", "cache:/vol"]
            tmpfs: ["/scratch"]
            devices: ["/dev/null:/devs/null"]
        volumes: {cache: {}}
        """, name: "hostile")
        defer { stack.tearDown() }
        try stack.write("from-src\n", to: "src/marker")
        let imported = stack.run(["image", "import", tar, "localhost/swc-hostile:test"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let up = stack.run(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")

        func inside(_ line: String) -> String {
            stack.run(["exec", "-T", "app", "sh", "-c", line]).stdout.trimmingCharacters(in: .newlines)
        }
        // The container follows its links to the mounts, at the links' targets inside its own root.
        #expect(inside("cat /data/marker /rel/marker \(host)/data/marker \(host)/rel/marker") == "from-src\nfrom-src\nfrom-src\nfrom-src")
        #expect(inside("grep -c localhost /etc/hosts") == "2")
        #expect(inside("stat -f -c %T /scratch") == "tmpfs")
        #expect(inside("test -c /devs/null && echo device") == "device")
        #expect(inside("ls /vol") == "from-image")
        let mountPoints = inside("cut -d ' ' -f 5 /proc/self/mountinfo").split(separator: "\n").map(String.init)
        for target in ["data", "rel", "hosts", "scratch", "devs/null", "vol"] {
            #expect(mountPoints.contains(host + "/" + target), "\(target) in \(mountPoints)")
        }

        // The host's directory: nothing mounted on it, created in it, or copied from it.
        let hostMounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        #expect(!hostMounts.contains(host + "/"))
        for directory in ["data", "rel", "scratch", "devs"] {
            #expect(try FileManager.default.contentsOfDirectory(atPath: host + "/" + directory).isEmpty, "\(directory)")
        }
        #expect(!FileManager.default.fileExists(atPath: host + "/hosts"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: host + "/vol") == ["host-secret"])
        let volume = "\(stack.root)/lib/volumes/\(stack.project)_cache/_data"
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["from-image"])
    }
}
