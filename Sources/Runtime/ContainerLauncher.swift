import Cgroups
import Glibc
import Linux

/// The descriptors a container's PID 1 gets as 0, 1 and 2 (the same terminal three times with a tty).
public struct ContainerStdio: Sendable {
    public var input: FileDescriptor
    public var output: FileDescriptor
    public var error: FileDescriptor
    public var isTerminal: Bool

    public init(input: FileDescriptor, output: FileDescriptor, error: FileDescriptor, isTerminal: Bool = false) {
        self.input = input
        self.output = output
        self.error = error
        self.isTerminal = isTerminal
    }

    public static let inherited = ContainerStdio(input: .standardInput, output: .standardOutput, error: .standardError)
}

public struct RunningContainer {
    public let pid: pid_t
    public let pidfd: FileDescriptor
    /// The controller of PID 1's pty when it was launched with a terminal.
    public let terminal: FileDescriptor?
}

public enum LaunchError: Error, CustomStringConvertible {
    case system(String, Errno)
    case cgroup(CgroupError)
    case setup(String, exitCode: Int32)
    case hook(String)

    public var description: String {
        switch self {
        case .system(let what, let errno): "\(what): \(errno)"
        case .cgroup(let error): error.description
        case .setup(let message, _): message
        case .hook(let message): message
        }
    }
}

/// Starts a container's PID 1 from a single-threaded process (the supervisor or `__run`).
/// Parent and child meet on two pipes: the child waits on `release` until the parent has put it in its
/// cgroup and network, and reports a failed step on `report`, which closes on a successful execve.
public struct ContainerLauncher {
    public let spec: ContainerSpec
    private let setup: ContainerSetup

    public init(spec: ContainerSpec) {
        self.spec = spec
        setup = ContainerSetup(spec: spec)
    }

    var namespaces: Namespaces {
        var set: Namespaces = [.mount, .uts]
        if spec.pid == .new { set.insert(.pid) }
        if spec.ipc == .new { set.insert(.ipc) }
        if spec.network == .new { set.insert(.network) }
        return set
    }

    /// `beforeRelease` runs once the child exists and sits in its cgroup: the network hook. With `terminal`, PID 1
    /// swaps `stdio` for a new pty of the container's own devpts and the controller is returned.
    public func launch(
        stdio: ContainerStdio, terminal: Bool = false, cgroup: (any CgroupManager)?,
        beforeRelease: (pid_t) throws -> Void = { _ in }
    ) throws(LaunchError) -> RunningContainer {
        do { try Process.assertSingleThreaded("start container \(spec.name)") } catch { throw .system("clone", error) }
        let release: (read: FileDescriptor, write: FileDescriptor)
        let report: (read: FileDescriptor, write: FileDescriptor)
        let terminalChannel: (FileDescriptor, FileDescriptor)?
        do {
            release = try FileDescriptor.pipe()
            report = try FileDescriptor.pipe()
            terminalChannel = terminal ? try UnixSocket.pair() : nil
        } catch { throw .system("create sync pipes for \(spec.name)", error) }
        defer {
            release.read.closeQuietly()
            report.write.closeQuietly()
            terminalChannel?.0.closeQuietly()
            terminalChannel?.1.closeQuietly()
        }
        let joins = namespaceJoins()
        let cloneTarget = cgroup?.cloneTarget()
        defer { cloneTarget?.closeQuietly() }

        let child: (pid: pid_t, pidfd: FileDescriptor)
        do {
            child = try Clone.run(namespaces: namespaces, cgroup: cloneTarget) {
                self.childMain(stdio: stdio, release: release, report: report.write, joins: joins,
                               terminal: terminalChannel?.1)
            }
        } catch {
            release.write.closeQuietly()
            report.read.closeQuietly()
            throw .system("clone \(spec.name)", error)
        }
        defer { report.read.closeQuietly() }
        do throws(LaunchError) {
            if let cgroup, cloneTarget == nil {
                do { try cgroup.attach(child.pid) } catch { throw LaunchError.cgroup(error) }
            }
            do { try beforeRelease(child.pid) } catch let error as LaunchError { throw error } catch {
                throw LaunchError.hook("prepare network for \(spec.name): \(error)")
            }
            do { try release.write.writeAll([1]) } catch { throw LaunchError.system("release \(spec.name)", error) }
            release.write.closeQuietly()
        } catch {
            release.write.closeQuietly()
            kill(child.pid, SIGKILL)
            _ = try? Process.wait(child.pid)
            child.pidfd.closeQuietly()
            throw error
        }
        report.write.closeQuietly()
        let message = (try? report.read.readAll()) ?? []
        if !message.isEmpty {
            let status = (try? Process.wait(child.pid))?.status.code ?? 127
            child.pidfd.closeQuietly()
            throw .setup(String(decoding: message, as: UTF8.self), exitCode: status)
        }
        var controller: FileDescriptor?
        if let parentEnd = terminalChannel?.0 {
            // Sent before the execve that closed the report pipe: already queued on our end.
            do { controller = try UnixSocket.receiveDescriptor(from: parentEnd) } catch {
                kill(child.pid, SIGKILL)
                _ = try? Process.wait(child.pid)
                child.pidfd.closeQuietly()
                throw .system("receive the terminal of \(spec.name)", error)
            }
        }
        return RunningContainer(pid: child.pid, pidfd: child.pidfd, terminal: controller)
    }

    /// Namespaces to join instead of creating, opened while the child still sees the host's /proc.
    private func namespaceJoins() -> [(String, Namespaces)] {
        var result: [(String, Namespaces)] = []
        if case .join(let path) = spec.network { result.append((path, .network)) }
        if case .join(let path) = spec.ipc { result.append((path, .ipc)) }
        return result
    }

    /// The cloned child: never returns to the caller's code; exits with 127/126 after reporting a failure.
    private func childMain(
        stdio: ContainerStdio, release: (read: FileDescriptor, write: FileDescriptor), report: FileDescriptor,
        joins: [(String, Namespaces)], terminal: FileDescriptor?
    ) -> Int32 {
        // A container must not inherit the supervisor's blocked signals or handlers.
        Signals.resetForChild()
        Process.setSession()
        release.write.closeQuietly()
        var byte: UInt8 = 0
        let count = withUnsafeMutableBytes(of: &byte) { (try? release.read.read(into: $0)) ?? 0 }
        // EOF without the release byte: the parent gave up on us.
        if count != 1 { return 1 }
        do throws(Errno) {
            try attachStdio(stdio)
            for (path, kind) in joins {
                let fd = try FileDescriptor.open(path, .readOnly)
                try Namespaces.join(fd, kind)
                fd.closeQuietly()
            }
            // Joined after the parent placed us in our cgroup, so the container sees its cgroup as "/".
            try Namespaces.unshare(.cgroup)
            Process.closeOnExecFrom(3)
        } catch {
            return fail(report, SetupError("prepare process", error))
        }
        do throws(SetupError) {
            try setup.prepareRoot()
            do throws(Errno) { try Mount.pivotRoot(to: spec.rootPath) } catch { throw SetupError("pivot_root to \(spec.rootPath)", error) }
            try setup.finishInside()
            if let terminal { try takeTerminal(sendingControllerOver: terminal) }
            guard spec.initProcess else { return runCommand(report) }
            return InitProcess.run(report: report) { self.runCommand(report) }
        } catch {
            return fail(report, error)
        }
    }

    /// The last steps of the command's process: user, capabilities, then execve (returns only on failure).
    private func runCommand(_ report: FileDescriptor) -> Int32 {
        do throws(SetupError) {
            let extra = try setup.dropPrivileges()
            return fail(report, setup.execute(extraEnvironment: extra))
        } catch {
            return fail(report, error)
        }
    }

    /// PID 1's stdio becomes a new pty of the container's devpts (its /dev/pts/0, as docker's); the controller
    /// goes to the parent, which keeps it for the log and attach.
    private func takeTerminal(sendingControllerOver socket: FileDescriptor) throws(SetupError) {
        do throws(Errno) {
            let root = try FileDescriptor.open("/", [.path, .directory])
            defer { root.closeQuietly() }
            let pty = try PseudoTerminal.open(ptmx: "dev/pts/ptmx", beneath: root)
            defer {
                pty.controller.closeQuietly()
                pty.terminal.closeQuietly()
            }
            try attachStdio(ContainerStdio(input: pty.terminal, output: pty.terminal, error: pty.terminal, isTerminal: true))
            try UnixSocket.send(pty.controller, over: socket)
            socket.closeQuietly()
        } catch {
            throw SetupError("allocate a terminal", error)
        }
    }

    private func attachStdio(_ stdio: ContainerStdio) throws(Errno) {
        try stdio.input.duplicate(as: .standardInput)
        try stdio.output.duplicate(as: .standardOutput)
        try stdio.error.duplicate(as: .standardError)
        if stdio.isTerminal { try Process.setControllingTerminal(.standardInput) }
    }

    private func fail(_ report: FileDescriptor, _ error: SetupError) -> Int32 {
        try? report.writeAll("\(spec.name): \(error.description)")
        return error.exitCode
    }
}
