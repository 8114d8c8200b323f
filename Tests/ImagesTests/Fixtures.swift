import Archive
import Glibc
import Images
import Linux

/// A state root under /tmp for one test, removed in `defer`.
struct TestRoot {
    let path: String
    let root: StateRoot

    init() {
        var template = Array("/tmp/swcompose-images-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        root = StateRoot(root: path)
    }

    func remove() { try? FileSystem.removeTree(path) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try FileSystem.writeAtomically(file, bytes)
        return file
    }
}

enum Fixtures {
    /// Debian's busybox-static plus every applet as a symlink, like a minimal busybox image.
    static func busyboxRootfs() throws -> [UInt8] {
        let busybox = try FileSystem.readFile("/bin/busybox")
        var tar = TarWriter()
        for dir in ["bin/", "sbin/", "usr/", "usr/bin/", "usr/sbin/", "etc/", "tmp/"] {
            tar.append(TarEntry(path: dir, kind: .directory, mode: dir == "tmp/" ? 0o1777 : 0o755))
        }
        tar.append(TarEntry(path: "bin/busybox", kind: .regular, mode: 0o755), contents: busybox)
        for applet in try applets() where applet != "/bin/busybox" {
            let target = applet.hasPrefix("/bin/") ? "busybox" : "/bin/busybox"
            tar.append(TarEntry(path: String(applet.dropFirst()), kind: .symbolicLink, mode: 0o777, linkName: target))
        }
        tar.append(TarEntry(path: "etc/passwd", kind: .regular), contents: Array("root:x:0:0:root:/root:/bin/sh\n".utf8))
        tar.finish()
        return tar.bytes
    }

    /// `busybox --list-full`, run by posix_spawn with its output on a pipe.
    static func applets() throws -> [String] {
        let pipe = try FileDescriptor.pipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe.write.rawValue, 1)
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/busybox"), strdup("--list-full"), nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/busybox", &actions, nil, argv, nil) == 0 else { throw Errno.current("posix_spawn") }
        pipe.write.closeQuietly()
        let output = try pipe.read.readAll()
        pipe.read.closeQuietly()
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map { "/" + $0 }
    }

    static func layer(_ build: (inout TarWriter) -> Void) -> [UInt8] {
        var tar = TarWriter()
        build(&tar)
        tar.finish()
        return tar.bytes
    }

    /// A `docker save` archive: manifest.json, config and uncompressed layer tars.
    static func dockerSave(layers: [[UInt8]], config: ContainerConfig?, tags: [String]) -> [UInt8] {
        let diffIDs = layers.map { "sha256:" + SHA256.hex(of: $0) }
        let configBytes = encode(ImageConfig(config: config, rootfs: .init(diffIDs: diffIDs)))
        let configName = SHA256.hex(of: configBytes) + ".json"
        var tar = TarWriter()
        var layerPaths: [String] = []
        for (index, layer) in layers.enumerated() {
            let path = "\(index)/layer.tar"
            tar.append(TarEntry(path: "\(index)/", kind: .directory, mode: 0o755))
            tar.append(TarEntry(path: path, kind: .regular), contents: layer)
            layerPaths.append(path)
        }
        tar.append(TarEntry(path: configName, kind: .regular), contents: configBytes)
        let quoted = { (items: [String]) in "[" + items.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        let manifest = "[{\"Config\":\"\(configName)\",\"RepoTags\":\(quoted(tags)),\"Layers\":\(quoted(layerPaths))}]"
        tar.append(TarEntry(path: "manifest.json", kind: .regular), contents: Array(manifest.utf8))
        tar.finish()
        return tar.bytes
    }
}
