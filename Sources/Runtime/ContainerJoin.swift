import Cgroups
import Glibc
import Linux

/// Starts a process inside a running container (exec sessions and healthchecks) from a single-threaded
/// process: join the PID namespace for children, fork, and let the child join the rest, drop privileges
/// like the container's PID 1 and execve.
public enum ContainerJoin {
    /// `process` replaces the container's argv/env/cwd/user; capabilities and no_new_privs stay the container's,
    /// unless `privileged` (`exec --privileged`) grants every capability this process holds.
    public static func spawn(
        into containerPid: pid_t, spec: ContainerSpec, process: ProcessSpec, cgroup: (any CgroupManager)?,
        stdio: ContainerStdio, privileged: Bool = false
    ) throws(LaunchError) -> pid_t {
        do { try Process.assertSingleThreaded("exec in \(spec.name)") } catch { throw .system("fork", error) }
        var joined = spec
        joined.process = process
        joined.process.capabilities = spec.process.capabilities
        joined.process.noNewPrivileges = spec.process.noNewPrivileges
        joined.process.rlimits = spec.process.rlimits
        joined.privileged = spec.privileged || privileged
        let setup = ContainerSetup(spec: joined)
        let cgroupFiles = cgroup.map { Array($0.placement.directories.values).map { $0 + "/cgroup.procs" } } ?? []

        let kinds: [Namespaces] = [.ipc, .uts, .network, .cgroup, .mount]
        var fds: [(FileDescriptor, Namespaces)] = []
        let ownPid: FileDescriptor
        let targetPid: FileDescriptor
        do {
            // A container cannot open /proc/<pid>/exe of a non-dumpable process (CVE-2019-5736).
            try ProcessControl.setDumpable(false)
            for kind in kinds { fds.append((try Namespaces.open(pid: containerPid, kind), kind)) }
            ownPid = try FileDescriptor.open("/proc/self/ns/pid", .readOnly)
            targetPid = try Namespaces.open(pid: containerPid, .pid)
        } catch {
            for (fd, _) in fds { fd.closeQuietly() }
            throw .system("open namespaces of \(spec.name)", error)
        }
        defer {
            for (fd, _) in fds { fd.closeQuietly() }
            ownPid.closeQuietly()
            targetPid.closeQuietly()
        }
        do {
            // Only our future children land in the container's PID namespace; we switch back right after.
            try Namespaces.join(targetPid, .pid)
            defer { try? Namespaces.join(ownPid, .pid) }
            return try Clone.fork {
                Signals.resetForChild()
                Process.setSession()
                do throws(Errno) {
                    try stdio.input.duplicate(as: .standardInput)
                    try stdio.output.duplicate(as: .standardOutput)
                    try stdio.error.duplicate(as: .standardError)
                    if stdio.isTerminal { try Process.setControllingTerminal(.standardInput) }
                    for file in cgroupFiles {
                        let fd = try FileDescriptor.open(file, .writeOnly)
                        try fd.writeAll("0")
                        fd.closeQuietly()
                    }
                    for (fd, kind) in fds { try Namespaces.join(fd, kind) }
                    Process.closeOnExecFrom(3)
                } catch {
                    try? FileDescriptor.standardError.writeAll("exec in \(spec.name): \(error)\n")
                    return 126
                }
                do throws(SetupError) {
                    try setup.applyRlimits()
                    let extra = try setup.dropPrivileges()
                    let failure = setup.execute(extraEnvironment: extra)
                    try? FileDescriptor.standardError.writeAll("\(failure)\n")
                    return failure.exitCode
                } catch {
                    try? FileDescriptor.standardError.writeAll("\(error)\n")
                    return error.exitCode
                }
            }
        } catch {
            throw .system("fork into \(spec.name)", error)
        }
    }
}
