import Foundation
import Testing

/// `exec` with a pseudo-terminal, driven through a real terminal: a detached tmux session on its own server
/// socket, so the test never touches anyone else's tmux.
@Suite(.serialized) struct TerminalTests {
    /// tmux's path, installed on first use; nil when it cannot be had.
    static let tmux: String? = {
        let path = "/usr/bin/tmux"
        if !FileManager.default.fileExists(atPath: path) {
            _ = Stack.exec(["/usr/bin/apt-get", "install", "-y", "tmux"],
                           environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive"], cwd: "/")
        }
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    /// One tmux server, named like our other objects, killed (by its socket) when the test ends.
    struct Session {
        let tmux: String
        let socket: String

        @discardableResult
        func run(_ arguments: [String]) -> Stack.Result {
            Stack.exec([tmux, "-L", socket] + arguments,
                       environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "xterm"], cwd: "/")
        }

        func pane() -> String { run(["capture-pane", "-p", "-t", socket]).stdout }

        /// Polls the pane until it contains `text` (up to ten seconds).
        func waitFor(_ text: String) -> String {
            var screen = pane()
            for _ in 0..<100 where !screen.contains(text) {
                usleep(100_000)
                screen = pane()
            }
            return screen
        }
    }

    @Test(.enabled(if: TerminalTests.tmux != nil, "tmux is not installed and apt-get could not install it"))
    func execInteractiveGetsAPtyWithTheWindowSizeAndExitStatus() throws {
        let stack = try Stack("""
            services:
              web:
                image: localhost/busybox:test
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]
                stop_grace_period: 1s
            """, name: "tty")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        stack.importBusybox()
        let up = stack.run(["up", "-d"])
        try #require(up.status == 0, "up: \(up.stderr)")

        let session = Session(tmux: try #require(Self.tmux), socket: stack.project)
        defer { session.run(["kill-server"]) }
        // The pane's shell stays after exec so the screen can still be read.
        let command = "env SWCOMPOSE_ROOT=\(stack.root) COMPOSE_PROJECT_NAME=\(stack.project) "
            + "\(Stack.binary) -f \(stack.directory)/compose.yaml exec -it web sh; echo rc=$?; sleep 60"
        let started = session.run(["new-session", "-d", "-s", stack.project, "-x", "80", "-y", "24", command])
        try #require(started.status == 0, "tmux: \(started.stderr)")

        try #require(session.waitFor("/ #").contains("/ #"), "no shell prompt: \(session.pane())")
        session.run(["send-keys", "-t", stack.project, "tty; stty size", "Enter"])
        var screen = session.waitFor("\n24 80")
        #expect(screen.contains("\n/dev/pts/"), "\(screen)")
        #expect(screen.contains("\n24 80"), "\(screen)")

        // A resized window reaches the command through SIGWINCH.
        session.run(["resize-window", "-t", stack.project, "-x", "100", "-y", "30"])
        usleep(200_000)
        session.run(["send-keys", "-t", stack.project, "stty size; exit 7", "Enter"])
        screen = session.waitFor("rc=")
        #expect(screen.contains("\n30 100"), "\(screen)")
        #expect(screen.contains("rc=7"), "\(screen)")

        // Without a terminal on stdin exec stays as before: plain pipes, no pty.
        let plain = stack.run(["exec", "web", "tty"])
        #expect(plain.stdout == "not a tty\n")
    }
    /// The tmux command line that runs swcompose for `stack`, then keeps the pane with the status.
    func command(_ stack: Stack, _ arguments: String) -> String {
        "env SWCOMPOSE_ROOT=\(stack.root) COMPOSE_PROJECT_NAME=\(stack.project) "
            + "\(Stack.binary) -f \(stack.directory)/compose.yaml \(arguments); echo rc=$?; sleep 60"
    }

    @Test(.enabled(if: TerminalTests.tmux != nil, "tmux is not installed and apt-get could not install it"))
    func runInATerminalGetsAPtyAndItsExitStatus() throws {
        let stack = try Stack("""
            services:
              shell:
                image: localhost/busybox:test
            """, name: "runit")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        stack.importBusybox()
        let session = Session(tmux: try #require(Self.tmux), socket: stack.project)
        defer { session.run(["kill-server"]) }
        let started = session.run(["new-session", "-d", "-s", stack.project, "-x", "90", "-y", "20",
                                   command(stack, "run --rm shell sh")])
        try #require(started.status == 0, "tmux: \(started.stderr)")

        try #require(session.waitFor("/ #").contains("/ #"), "no shell prompt: \(session.pane())")
        session.run(["send-keys", "-t", stack.project, "tty; stty size; echo $((6*7))", "Enter"])
        let screen = session.waitFor("\n42")
        #expect(screen.contains("\n/dev/pts/0"), "\(screen)")
        #expect(screen.contains("\n20 90"), "\(screen)")
        // Ctrl-C reaches the container's shell through its pty, not swcompose.
        session.run(["send-keys", "-t", stack.project, "sleep 30", "Enter"])
        usleep(300_000)
        session.run(["send-keys", "-t", stack.project, "C-c"])
        session.run(["send-keys", "-t", stack.project, "exit 5", "Enter"])
        #expect(session.waitFor("rc=").contains("rc=5"), "\(session.pane())")
        #expect(stack.run(["ps", "-a", "-q"]).stdout.isEmpty)
    }

    @Test(.enabled(if: TerminalTests.tmux != nil, "tmux is not installed and apt-get could not install it"))
    func attachToATtyServiceAndDetachWithTheKeys() throws {
        let stack = try Stack("""
            services:
              shell:
                image: localhost/busybox:test
                tty: true
                stdin_open: true
                command: ["sh"]
                stop_grace_period: 1s
            """, name: "attit")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        stack.importBusybox()
        let up = stack.run(["up", "-d"])
        try #require(up.status == 0, "up: \(up.stderr)")
        let session = Session(tmux: try #require(Self.tmux), socket: stack.project)
        defer { session.run(["kill-server"]) }
        let started = session.run(["new-session", "-d", "-s", stack.project, "-x", "80", "-y", "24",
                                   command(stack, "attach shell")])
        try #require(started.status == 0, "tmux: \(started.stderr)")
        usleep(500_000)
        session.run(["send-keys", "-t", stack.project, "echo attached-$((6*7))", "Enter"])
        #expect(session.waitFor("attached-42").contains("attached-42"), "\(session.pane())")
        // docker's default detach keys: the client leaves, the container stays.
        session.run(["send-keys", "-t", stack.project, "C-p", "C-q"])
        #expect(session.waitFor("rc=").contains("rc=0"), "\(session.pane())")
        #expect(stack.run(["ps", "--status", "running", "--services"]).stdout == "shell\n")
        #expect(stack.run(["logs", "--no-log-prefix", "shell"]).stdout.contains("attached-42"))
    }
}
