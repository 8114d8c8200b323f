import Glibc
import Linux

/// compose's `init: true`: the container's PID 1 stays ours after setup instead of exec'ing the command. It forks
/// the command, forwards every signal it gets to it, reaps every orphan of the PID namespace and exits with the
/// command's status. It never execs, so no binary of the host is placed in the container; it stays non-dumpable
/// (inherited from the supervisor), so the container cannot open its /proc/1/exe.
enum InitProcess {
    /// CAP_KILL (linux/capability.h).
    static let killCapability = CapabilitySet.capability(5)

    /// Runs in the container's PID 1 after `finishInside`; `command` drops privileges and execs (in the child).
    static func run(report: FileDescriptor, command: @escaping () -> Int32) -> Int32 {
        // Blocked before the fork so that no signal meant for the command is lost in between; the child unblocks.
        guard (try? Signals.block(.all)) != nil, let child = try? Clone.fork({
            Signals.resetForChild()
            return command()
        }) else {
            try? report.writeAll("init: cannot start the command: \(Errno.current("fork"))")
            return 126
        }
        // The command holds the report pipe until its execve; ours must go or the launcher never sees EOF.
        report.closeQuietly()
        Process.closeAll(from: 3)
        // What PID 1 needs from here on: signal a command that may have changed its uid.
        _ = try? Capabilities.limitBoundingSet(to: killCapability)
        _ = try? Capabilities.set(effective: killCapability, permitted: killCapability, inheritable: [])
        return supervise(child)
    }

    private static func supervise(_ child: pid_t) -> Int32 {
        var all = SignalSet.all.raw
        while true {
            let signal = sigwaitinfo(&all, nil)
            if signal < 0 { continue }
            if signal != SIGCHLD {
                kill(child, signal)
                continue
            }
            if let status = reapAll(child) { return status }
        }
    }

    /// Reaps every exited process; returns the command's exit status once it is among them.
    private static func reapAll(_ child: pid_t) -> Int32? {
        var result: Int32?
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { return result }
            if pid == child {
                result = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
        }
    }
}
