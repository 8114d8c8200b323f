import Foundation
import Testing

/// PID 1's stdio: `tty`, `stdin_open`, `attach` and `run` in the foreground, without a terminal on our side
/// (TerminalTests drives the same through tmux).
@Suite struct AttachTests {
    static let compose = """
        services:
          cat:
            image: localhost/busybox:test
            stdin_open: true
            command: ["cat"]
            stop_grace_period: 1s
          pty:
            image: localhost/busybox:test
            tty: true
            command: ["sh", "-c", "tty; [ -t 0 ] && [ -t 1 ] && echo both-terminals; echo TERM=$$TERM; sleep inf"]
            stop_grace_period: 1s
        """

    /// Polls `logs SERVICE` until it contains `text` (up to ten seconds).
    func waitForLog(_ stack: Stack, _ service: String, _ text: String) -> String {
        var logs = stack.run(["logs", "--no-log-prefix", service]).stdout
        for _ in 0..<100 where !logs.contains(text) {
            usleep(100_000)
            logs = stack.run(["logs", "--no-log-prefix", service]).stdout
        }
        return logs
    }

    @Test func ttyServiceRunsOnAPtyOfItsOwnDevpts() throws {
        let stack = try Stack(Self.compose, name: "pty")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        stack.importBusybox()
        let up = stack.run(["up", "-d", "pty"])
        try #require(up.status == 0, "up: \(up.stderr)")
        let logs = waitForLog(stack, "pty", "TERM=")
        // The pty's line discipline turns \n into \r\n, as docker's logs of a tty container show.
        #expect(logs.contains("/dev/pts/0\r\n"), "\(logs)")
        #expect(logs.contains("both-terminals"), "\(logs)")
        #expect(logs.contains("TERM=xterm"), "\(logs)")
        // Services not selected are not orphans: `up -d pty` warned about `cat` before.
        #expect(!up.stderr.contains("orphan"), "\(up.stderr)")
    }

    @Test func runPassesStdinAndKeepsStreamsAndStatus() throws {
        let stack = try Stack(Self.compose, name: "runin")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        stack.importBusybox()
        let piped = stack.run(["run", "--rm", "cat"], input: "hello\nworld\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == "hello\nworld\n")

        let streams = stack.run(["run", "--rm", "cat", "sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(streams.status == 3)
        #expect(streams.stdout == "out\n")
        #expect(streams.stderr.contains("err\n"), "\(streams.stderr)")

        // Output written before the client attached is replayed, the rest streamed: every line, in order.
        let long = stack.run(["run", "--rm", "-T", "cat", "seq", "1", "20000"])
        #expect(long.status == 0)
        #expect(long.stdout == (1...20000).map { "\($0)\n" }.joined())

        // `-i=false`: the container's stdin is /dev/null whatever ours holds.
        let closed = stack.run(["run", "--rm", "--interactive=false", "cat", "sh", "-c", "cat; echo done"], input: "ignored\n")
        #expect(closed.stdout == "done\n")
        #expect(stack.run(["ps", "-a", "-q"]).stdout.isEmpty)
    }

    @Test func attachSendsInputAndFollowsOutputUntilTheContainerStops() throws {
        let stack = try Stack(Self.compose, name: "attach")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        try stack.upDetached(["cat"])

        let attached = try stack.start(["attach", "cat"], input: "through-attach\n")
        #expect(waitForLog(stack, "cat", "through-attach").contains("through-attach"))
        // Our end of input does not close a service's stdin (only `run`'s): cat is still there.
        usleep(300_000)
        #expect(stack.run(["ps", "--status", "running", "--services"]).stdout == "cat\n")

        let stop = stack.run(["stop", "cat"])
        #expect(stop.status == 0, "\(stop.stderr)")
        let result = attached.finish()
        #expect(result.stdout == "through-attach\n")
        // cat as PID 1 has no SIGTERM handler, so the kernel ignores it: SIGKILL after the grace period, 128 + 9.
        #expect(result.status == 137, "\(result.stderr)")

        let stopped = stack.run(["attach", "cat"])
        #expect(stopped.status != 0)
        #expect(stopped.stderr.contains("service \"cat\" is not running"), "\(stopped.stderr)")
    }
}
