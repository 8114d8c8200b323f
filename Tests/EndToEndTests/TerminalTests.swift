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

        /// A detached session of `width` x `height` running swcompose `arguments` for `stack`. The pane's shell
        /// then prints the exit status and stays, so the screen can still be read.
        static func start(_ stack: Stack, _ arguments: String, width: Int, height: Int) throws -> Session {
            let session = Session(tmux: try #require(TerminalTests.tmux), socket: stack.project)
            let command = "env SWCOMPOSE_ROOT=\(stack.root) COMPOSE_PROJECT_NAME=\(stack.project) "
                + "\(Stack.binary) -f \(stack.directory)/compose.yaml \(arguments); echo rc=$?; sleep 60"
            let started = session.run(["new-session", "-d", "-s", stack.project, "-x", "\(width)", "-y", "\(height)", command])
            try #require(started.status == 0, "tmux: \(started.stderr)")
            return session
        }

        func type(_ keys: String...) { run(["send-keys", "-t", socket] + keys) }

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
        try stack.upDetached()

        let session = try Session.start(stack, "exec -it web sh", width: 80, height: 24)
        defer { session.run(["kill-server"]) }

        try #require(session.waitFor("/ #").contains("/ #"), "no shell prompt: \(session.pane())")
        session.type("tty; stty size", "Enter")
        var screen = session.waitFor("\n24 80")
        #expect(screen.contains("\n/dev/pts/"), "\(screen)")
        #expect(screen.contains("\n24 80"), "\(screen)")

        // A resized window reaches the command through SIGWINCH.
        session.run(["resize-window", "-t", stack.project, "-x", "100", "-y", "30"])
        usleep(200_000)
        session.type("stty size; exit 7", "Enter")
        screen = session.waitFor("rc=")
        #expect(screen.contains("\n30 100"), "\(screen)")
        #expect(screen.contains("rc=7"), "\(screen)")

        // Without a terminal on stdin exec stays as before: plain pipes, no pty.
        let plain = stack.run(["exec", "web", "tty"])
        #expect(plain.stdout == "not a tty\n")
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
        let session = try Session.start(stack, "run --rm shell sh", width: 90, height: 20)
        defer { session.run(["kill-server"]) }

        try #require(session.waitFor("/ #").contains("/ #"), "no shell prompt: \(session.pane())")
        session.type("tty; stty size; echo $((6*7))", "Enter")
        let screen = session.waitFor("\n42")
        #expect(screen.contains("\n/dev/pts/0"), "\(screen)")
        #expect(screen.contains("\n20 90"), "\(screen)")
        // Ctrl-C reaches the container's shell through its pty, not swcompose.
        session.type("sleep 30", "Enter")
        usleep(300_000)
        session.type("C-c")
        session.type("exit 5", "Enter")
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
        try stack.upDetached()
        let session = try Session.start(stack, "attach shell", width: 80, height: 24)
        defer { session.run(["kill-server"]) }
        usleep(500_000)
        session.type("echo attached-$((6*7))", "Enter")
        #expect(session.waitFor("attached-42").contains("attached-42"), "\(session.pane())")
        // docker's default detach keys: the client leaves, the container stays.
        session.type("C-p", "C-q")
        #expect(session.waitFor("rc=").contains("rc=0"), "\(session.pane())")
        #expect(stack.run(["ps", "--status", "running", "--services"]).stdout == "shell\n")
        #expect(stack.run(["logs", "--no-log-prefix", "shell"]).stdout.contains("attached-42"))
    }
}
