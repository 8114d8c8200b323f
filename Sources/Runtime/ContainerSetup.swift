import Glibc
import Linux

/// The container's side of the start: runs in the cloned child, one straight sequence of small steps in the
/// order the kernel needs them, ending in execve. Every path is joined before the clone (see `ContainerLauncher`).
struct ContainerSetup {
    let spec: ContainerSpec
    let root: String
    let argv: CStringArray
    let envp: CStringArray
    /// Added to a privileged container's /dev.
    let hostDevices: [HostDevice]

    init(spec: ContainerSpec) {
        self.spec = spec
        root = spec.rootPath
        argv = CStringArray(spec.process.args)
        envp = CStringArray(spec.process.env)
        hostDevices = spec.privileged ? HostDevice.list() : []
    }

    /// Steps before pivot_root, paths still on the host. Every target under the rootfs is resolved inside it
    /// (`RootDirectory`), so an image's symlinks cannot point a mount or a created file at the host.
    func prepareRoot() throws(SetupError) {
        try step("make / a slave mount") { () throws(Errno) in try Mount.setPropagation("/", [.slave, .recursive]) }
        switch spec.rootfs {
        case .directory(let path):
            // pivot_root needs a mount point; a bind of the directory onto itself is one.
            try step("bind rootfs \(path)") { () throws(Errno) in try Mount.bind(path, to: path) }
        case .overlay(let lowers, let upper, let work, let merged):
            try step("mount overlay at \(merged)") { () throws(Errno) in
                try Mount.overlay(lowerDirs: lowers, upperDir: upper, workDir: work, target: merged)
            }
        }
        // Opened after the rootfs mount above, so it is the mounted root, not the directory underneath.
        let rootDirectory: RootDirectory
        do { rootDirectory = try RootDirectory(root) } catch { throw SetupError("open rootfs \(root)", error) }
        defer { rootDirectory.close() }
        try mountKernelFilesystems(rootDirectory)
        try mountDev(rootDirectory)
        for mount in spec.mounts { try mountUser(mount, rootDirectory) }
        try bindEtcFiles(rootDirectory)
        for device in spec.devices {
            try step("add device \(device.containerPath)") { () throws(Errno) in
                try bind(device.hostPath, onto: device.containerPath, in: rootDirectory, kind: .file, recursive: false)
            }
        }
    }

    private func mountKernelFilesystems(_ rootDirectory: RootDirectory) throws(SetupError) {
        try step("mount proc") { () throws(Errno) in
            try mount("proc", at: "/proc", in: rootDirectory, type: "proc", flags: [.noSuid, .noExec, .noDev])
        }
        try step("mount sysfs") { () throws(Errno) in
            let flags: MountFlags = spec.privileged ? [.noSuid, .noExec, .noDev] : [.noSuid, .noExec, .noDev, .readOnly]
            try mount("sysfs", at: "/sys", in: rootDirectory, type: "sysfs", flags: flags)
        }
    }

    private func mountDev(_ rootDirectory: RootDirectory) throws(SetupError) {
        try step("mount /dev") { () throws(Errno) in
            try mount(
                "tmpfs", at: "/dev", in: rootDirectory, type: "tmpfs", flags: [.noSuid, .strictAccessTime],
                data: "mode=755,size=65536k")
            // The fresh tmpfs: resolving again lands on top of the mount just made.
            let dev = try rootDirectory.open("/dev", [.path, .directory])
            defer { dev.closeQuietly() }
            for (name, major, minor) in Self.devices {
                let path = "/dev/" + name
                try check(mknodat(dev.rawValue, name, S_IFCHR | 0o666, Device.number(major: major, minor: minor)), "mknod", path)
                // mknod honours the umask; the mode must really be 0666.
                try check(fchmodat(dev.rawValue, name, 0o666, 0), "chmod", path)
            }
            for (name, target) in Self.links {
                try check(symlinkat(target, dev.rawValue, name), "symlink", "/dev/" + name)
            }
            for device in hostDevices { try addHostDevice(device, in: dev) }
        }
        try step("mount /dev/pts") { () throws(Errno) in
            try mount(
                "devpts", at: "/dev/pts", in: rootDirectory, type: "devpts", flags: [.noSuid, .noExec],
                data: "newinstance,ptmxmode=0666,mode=0620,gid=5")
        }
        try step("mount /dev/shm") { () throws(Errno) in
            try mount(
                "shm", at: "/dev/shm", in: rootDirectory, type: "tmpfs", flags: [.noSuid, .noDev, .noExec],
                data: "mode=1777,size=\(spec.shmSize)")
        }
        try step("mount /dev/mqueue") { () throws(Errno) in
            try mount("mqueue", at: "/dev/mqueue", in: rootDirectory, type: "mqueue", flags: [.noSuid, .noDev, .noExec])
        }
    }

    /// A host node as it is on the host: type, mode, numbers and owner. Names /dev already has stay as they are.
    private func addHostDevice(_ device: HostDevice, in dev: FileDescriptor) throws(Errno) {
        var parent = ""
        for part in device.path.split(separator: "/").dropLast() {
            parent += (parent.isEmpty ? "" : "/") + part
            if mkdirat(dev.rawValue, parent, 0o755) != 0 && Errno.lastCode != EEXIST { throw Errno.current("mkdir", "/dev/" + parent) }
        }
        if mknodat(dev.rawValue, device.path, device.mode, device.number) != 0 {
            if Errno.lastCode == EEXIST { return }
            throw Errno.current("mknod", "/dev/" + device.path)
        }
        try check(fchmodat(dev.rawValue, device.path, device.mode & 0o7777, 0), "chmod", "/dev/" + device.path)
        try check(fchownat(dev.rawValue, device.path, device.owner, device.group, AT_SYMLINK_NOFOLLOW), "chown", "/dev/" + device.path)
    }

    static let devices: [(String, UInt32, UInt32)] = [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
    ]
    static let links = [
        ("ptmx", "pts/ptmx"), ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ]

    private func mountUser(_ mount: MountSpec, _ rootDirectory: RootDirectory) throws(SetupError) {
        try step("mount \(mount.kind.rawValue) \(mount.source) at \(mount.target)") { () throws(Errno) in
            switch mount.kind {
            case .tmpfs:
                var options: [String] = []
                if let size = mount.tmpfsSize { options.append("size=\(size)") }
                options.append("mode=\(String(mount.tmpfsMode ?? 0o1777, radix: 8))")
                var flags: MountFlags = [.noSuid, .noDev]
                if mount.readOnly { flags.insert(.readOnly) }
                try self.mount(
                    "tmpfs", at: mount.target, in: rootDirectory, type: "tmpfs", flags: flags, data: options.joined(separator: ","))
            case .bind, .volume:
                if mount.kind == .volume { try FileSystem.createDirectory(mount.source) }
                if mount.copyUp { try VolumeCopyUp.fill(mount.source, from: mount.target, in: rootDirectory) }
                let kind: RootDirectory.Kind = FileSystem.isDirectory(mount.source) ? .directory : .file
                try bind(
                    mount.source, onto: mount.target, in: rootDirectory, kind: kind, readOnly: mount.readOnly,
                    propagation: Self.propagation(mount.propagation))
            }
        }
    }

    /// Mounts a filesystem at `target`, resolved (and created as a directory) inside the root.
    private func mount(
        _ source: String, at target: String, in rootDirectory: RootDirectory, type: String, flags: MountFlags,
        data: String? = nil
    ) throws(Errno) {
        let directory = try rootDirectory.create(target, .directory)
        defer { directory.closeQuietly() }
        try Mount.mount(source: source, onto: directory, type: type, flags: flags, data: data)
    }

    /// Binds a host path onto `target`, resolved (and created as `kind`) inside the root.
    private func bind(
        _ source: String, onto target: String, in rootDirectory: RootDirectory, kind: RootDirectory.Kind,
        recursive: Bool = true, readOnly: Bool = false, propagation: MountFlags? = nil
    ) throws(Errno) {
        let resolved = try rootDirectory.create(target, kind)
        defer { resolved.closeQuietly() }
        let mounted = try Mount.bind(source, onto: resolved, recursive: recursive, readOnly: readOnly)
        defer { mounted.closeQuietly() }
        if let propagation { try Mount.setPropagation(mounted.procPath, propagation) }
    }

    static func propagation(_ name: String?) -> MountFlags {
        switch name {
        case "shared": [.shared]
        case "rshared": [.shared, .recursive]
        case "slave": [.slave]
        case "rslave": [.slave, .recursive]
        case "private": [.private]
        default: [.private, .recursive]
        }
    }

    private func bindEtcFiles(_ rootDirectory: RootDirectory) throws(SetupError) {
        let files = [("/etc/hosts", spec.etcFiles.hosts), ("/etc/hostname", spec.etcFiles.hostname),
                     ("/etc/resolv.conf", spec.etcFiles.resolvConf)]
        for case let (target, source?) in files {
            try step("bind \(target)") { () throws(Errno) in
                try bind(source, onto: target, in: rootDirectory, kind: .file, recursive: false)
            }
        }
    }

    /// Steps after pivot_root, paths inside the container.
    func finishInside() throws(SetupError) {
        if spec.readOnlyRootfs {
            try step("remount / read-only") { () throws(Errno) in
                try Mount.mount(source: nil, target: "/", type: nil, flags: [.remount, .bind, .readOnly])
            }
        }
        for (key, value) in spec.sysctls.sorted(by: { $0.key < $1.key }) {
            try step("sysctl \(key)") { () throws(Errno) in
                try FileSystem.overwrite("/proc/sys/" + key.replacingDots(), value)
            }
        }
        if !spec.privileged {
            for path in spec.maskedPaths { try mask(path) }
            for path in spec.readonlyPaths { try makeReadOnly(path) }
        }
        if let hostname = spec.hostname {
            try step("set hostname") { () throws(Errno) in try Host.setHostname(hostname) }
        }
        if let domainname = spec.domainname {
            try step("set domainname") { () throws(Errno) in try Host.setDomainname(domainname) }
        }
        if spec.network == .new {
            try step("bring up lo") { () throws(Errno) in try Host.interfaceUp("lo") }
        }
        try applyRlimits()
    }

    /// compose's `ulimits`, for PID 1 and for every process joined later (exec, healthcheck).
    func applyRlimits() throws(SetupError) {
        for limit in spec.process.rlimits {
            try step("set ulimit \(limit.name)") { () throws(Errno) in
                try ResourceLimit.set(limit.name, soft: limit.soft, hard: limit.hard)
            }
        }
    }

    private func mask(_ path: String) throws(SetupError) {
        try step("mask \(path)") { () throws(Errno) in
            do throws(Errno) {
                if FileSystem.isDirectory(path) {
                    try Mount.mount(source: "tmpfs", target: path, type: "tmpfs", flags: [.readOnly])
                } else {
                    try Mount.bind("/dev/null", to: path, recursive: false)
                }
            } catch where error.code == ENOENT {}
        }
    }

    private func makeReadOnly(_ path: String) throws(SetupError) {
        try step("make \(path) read-only") { () throws(Errno) in
            do throws(Errno) {
                try Mount.mount(source: path, target: path, type: nil, flags: [.bind, .recursive])
                try Mount.mount(
                    source: nil, target: path, type: nil, flags: [.remount, .bind, .readOnly, .noSuid, .noDev, .noExec])
            } catch where error.code == ENOENT {}
        }
    }

    /// User, groups, capabilities and no_new_privs: the last privileged steps, then the working directory.
    func dropPrivileges() throws(SetupError) -> [String] {
        let passwd = (try? FileSystem.readString("/etc/passwd")) ?? ""
        let group = (try? FileSystem.readString("/etc/group")) ?? ""
        let user: ResolvedUser
        do {
            user = try UserResolver.resolve(
                spec.process.user, additionalGroups: spec.process.additionalGroups, passwd: passwd, group: group)
        } catch {
            throw SetupError("resolve user", error.description, exitCode: 126)
        }
        // Privileged gets every capability we hold ourselves: asking for more makes capset fail.
        let held = (try? Capabilities.current().permitted) ?? CapabilitySet.all
        let capabilities = spec.privileged ? CapabilitySet.all.intersection(held) : spec.process.capabilities
        try step("set capabilities") { () throws(Errno) in
            try Capabilities.limitBoundingSet(to: capabilities)
            try ProcessControl.setKeepCapabilities(true)
            try Credentials.setGroups(user.additionalGids)
            try Credentials.setGroupID(user.gid)
            try Credentials.setUserID(user.uid)
            try ProcessControl.setKeepCapabilities(false)
            try Capabilities.set(effective: capabilities, permitted: capabilities, inheritable: [])
            try Capabilities.clearAmbient()
        }
        if spec.process.noNewPrivileges {
            try step("set no_new_privs") { () throws(Errno) in try ProcessControl.setNoNewPrivileges() }
        }
        if chdir(spec.process.cwd) != 0 {
            throw SetupError("chdir to \(spec.process.cwd)", Errno.current("chdir", spec.process.cwd))
        }
        return spec.process.env.contains { $0.hasPrefix("HOME=") } ? [] : ["HOME=\(user.home)"]
    }

    /// Finds the command on the container's PATH and execs it; only returns by throwing.
    func execute(extraEnvironment: [String]) -> SetupError {
        guard let command = spec.process.args.first else { return SetupError("exec", "no command given", exitCode: 127) }
        let path = spec.process.env.last { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? CommandResolver.defaultPath
        guard let resolved = Exec.search(command, path: path) else {
            return SetupError("exec", "\"\(command)\": executable file not found in $PATH", exitCode: 127)
        }
        if Self.isOwnExecutable(resolved) {
            return SetupError("exec \(resolved)", "refusing to run the swcompose binary inside a container (CVE-2019-5736)", exitCode: 126)
        }
        let environment = extraEnvironment.isEmpty ? envp : CStringArray(spec.process.env + extraEnvironment)
        let error = Exec.execute(resolved, argv, environment)
        return SetupError("exec \(resolved)", error.message, exitCode: error.code == ENOENT ? 127 : 126)
    }

    /// Whether `path` (a symlink to /proc/self/exe, say) is the binary this process runs: the host's swcompose,
    /// which a container could otherwise run and rewrite through its /proc/self/exe.
    static func isOwnExecutable(_ path: String) -> Bool {
        var target = stat()
        var own = stat()
        guard stat(path, &target) == 0, stat("/proc/self/exe", &own) == 0 else { return false }
        return target.st_dev == own.st_dev && target.st_ino == own.st_ino
    }

    private func step(_ name: String, _ body: () throws(Errno) -> Void) throws(SetupError) {
        do { try body() } catch { throw SetupError(name, error) }
    }
}

extension String {
    func replacingDots() -> String { String(map { $0 == "." ? "/" : $0 }) }
}
