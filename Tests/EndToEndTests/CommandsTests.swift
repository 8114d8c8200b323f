import Foundation
import Testing

/// The everyday commands beyond up/down, run as a user would against a small busybox stack.
@Suite(.serialized) struct CommandsTests {
    static func compose(port: Int) -> String {
        """
        services:
          web:
            image: localhost/busybox:test
            command: ["sh", "-c", "trap 'exit 0' TERM; echo to-out; echo to-err >&2; sleep inf & wait"]
            stop_grace_period: 1s
            ports:
              - "127.0.0.1:\(port):80"
          worker:
            image: localhost/busybox:test
            command: ["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]
            stop_grace_period: 1s
            depends_on: [web]
        """
    }

    func withStack(_ body: (Stack, Int) throws -> Void) throws {
        let port = Int.random(in: 20000..<30000)
        let stack = try Stack(Self.compose(port: port), name: "cmd")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        try stack.upDetached()
        try body(stack, port)
    }

    @Test func psShowsColumnsStatusAndPorts() throws {
        try withStack { stack, port in
            let ps = stack.run(["ps"])
            #expect(ps.status == 0)
            let lines = ps.stdout.split(separator: "\n")
            #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"])
            let web = lines.first { $0.hasPrefix("\(stack.project)-web-1") } ?? ""
            #expect(web.contains("Up "))
            #expect(web.contains("127.0.0.1:\(port)->80/tcp"))
            #expect(stack.run(["ps", "--services"]).stdout == "web\nworker\n")
            #expect(stack.run(["ps", "-q"]).stdout.split(separator: "\n").count == 2)
            let json = stack.run(["ps", "--format", "json", "web"]).stdout
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            #expect(object?["State"] as? String == "running")
            #expect(object?["Service"] as? String == "web")

            #expect(stack.run(["stop", "worker"]).status == 0)
            #expect(stack.run(["ps", "--services"]).stdout == "web\n")
            let all = stack.run(["ps", "-a", "--status", "exited"]).stdout
            #expect(all.contains("Exited (0)"))
            #expect(all.contains("\(stack.project)-worker-1"))
        }
    }

    /// docker compose's PORTS column: exposed ports (`expose`) as "443/tcp", published ones as mappings,
    /// in docker's order; `--format json` lists both as Publishers.
    @Test func psListsExposedAndPublishedPorts() throws {
        let port = Int.random(in: 20000..<30000)
        let stack = try Stack("""
        services:
          web:
            image: localhost/busybox:test
            command: ["httpd", "-f", "-p", "80"]
            expose: ["443", "53/udp", "8000-8001"]
            ports: ["127.0.0.1:\(port):80"]
        """, name: "ports")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        try stack.upDetached()
        let ps = stack.run(["ps"])
        // docker's order: a run of tcp ports broken at 8000 is printed first, open runs follow, mappings last.
        #expect(ps.stdout.contains("  443/tcp, 53/udp, 8000-8001/tcp, 127.0.0.1:\(port)->80/tcp\n"), "\(ps.stdout)")
        let json = stack.run(["ps", "--format", "json"]).stdout
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let publishers = (object?["Publishers"] as? [[String: Any]] ?? []).map { entry in
            "\(entry["URL"] ?? "")|\(entry["PublishedPort"] ?? "")|\(entry["TargetPort"] ?? "")|\(entry["Protocol"] ?? "")"
        }
        #expect(publishers == ["|0|53|udp", "127.0.0.1|\(port)|80|tcp", "|0|443|tcp", "|0|8000|tcp", "|0|8001|tcp"])
    }

    @Test func logsKeepStreamsApart() throws {
        try withStack { stack, _ in
            var logs = stack.run(["logs", "--no-log-prefix", "web"])
            for _ in 0..<50 where !logs.stderr.contains("to-err") {
                usleep(100_000)
                logs = stack.run(["logs", "--no-log-prefix", "web"])
            }
            #expect(logs.stdout == "to-out\n")
            #expect(logs.stderr == "to-err\n")
            let prefixed = stack.run(["logs", "-t", "web"]).stdout
            #expect(prefixed.hasPrefix("web-1  | 20"))
            #expect(stack.run(["logs", "--tail", "0", "web"]).stdout.isEmpty)
        }
    }

    @Test func execReturnsExitCodeAndHonoursUserWorkdirEnv() throws {
        try withStack { stack, _ in
            let result = stack.run(["exec", "-T", "-u", "nobody", "-w", "/tmp", "-e", "GREETING=hi", "web",
                                    "sh", "-c", "id -u; pwd; echo $GREETING; exit 42"])
            #expect(result.status == 42)
            #expect(result.stdout == "65534\n/tmp\nhi\n")
            #expect(stack.run(["exec", "-T", "web", "false"]).status == 1)
            // Docker's default set lacks CAP_SYS_ADMIN (bit 21); --privileged adds what swcompose holds.
            let plain = stack.run(["exec", "-T", "web", "grep", "CapEff", "/proc/self/status"]).stdout
            let privileged = stack.run(["exec", "-T", "--privileged", "web", "grep", "CapEff", "/proc/self/status"]).stdout
            #expect(plain.contains("00000000a80425fb"))
            #expect(!privileged.isEmpty && privileged != plain)
        }
    }

    @Test func runRemovesItsContainerAndReturnsTheExitCode() throws {
        try withStack { stack, _ in
            let result = stack.run(["run", "--rm", "-T", "-e", "X=5", "worker", "sh", "-c", "echo out $X; echo err >&2; exit 3"])
            #expect(result.status == 3, "\(result.stderr)")
            #expect(result.stdout == "out 5\n")
            #expect(result.stderr.contains("err\n"))
            #expect(!result.stderr.contains("orphan"))
            #expect(!stack.run(["ps", "-a"]).stdout.contains("-run-"))
            let kept = stack.run(["run", "-d", "worker", "true"])
            #expect(kept.stdout.hasPrefix("\(stack.project)-worker-run-"))
        }
    }

    @Test func stopStartRestartKillPauseUnpause() throws {
        try withStack { stack, _ in
            func status(_ service: String) -> String {
                let json = stack.run(["ps", "-a", "--format", "json", service]).stdout
                let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
                return object?["State"] as? String ?? "missing"
            }
            #expect(stack.run(["stop", "-t", "1"]).status == 0)
            #expect(status("web") == "exited")
            #expect(stack.run(["start"]).status == 0)
            #expect(status("web") == "running" && status("worker") == "running")
            #expect(stack.run(["restart", "-t", "1", "worker"]).status == 0)
            #expect(status("worker") == "running")
            #expect(stack.run(["pause", "web"]).status == 0)
            #expect(status("web") == "paused")
            #expect(stack.run(["unpause", "web"]).status == 0)
            #expect(status("web") == "running")
            #expect(stack.run(["kill", "-s", "SIGTERM", "worker"]).status == 0)
            for _ in 0..<50 where status("worker") != "exited" { usleep(100_000) }
            #expect(stack.run(["ps", "-a", "--format", "json", "worker"]).stdout.contains("\"ExitCode\":0"))
            #expect(stack.run(["rm", "-f", "worker"]).status == 0)
            #expect(status("worker") == "missing")
        }
    }

    @Test func portAndCopyBothWays() throws {
        try withStack { stack, port in
            let published = stack.run(["port", "web", "80"])
            #expect(published.stdout == "127.0.0.1:\(port)\n")
            #expect(stack.run(["port", "web", "81"]).status == 1)

            try stack.write("copied in\n", to: "payload/file.txt")
            // Host paths are absolute: the harness runs the binary without changing its working directory.
            #expect(stack.run(["cp", stack.directory + "/payload", "web:/tmp/"]).status == 0)
            #expect(stack.run(["exec", "-T", "web", "cat", "/tmp/payload/file.txt"]).stdout == "copied in\n")
            #expect(stack.run(["exec", "-T", "web", "sh", "-c", "echo from container > /tmp/out.txt"]).status == 0)
            #expect(stack.run(["cp", "web:/tmp/out.txt", stack.directory + "/back.txt"]).status == 0)
            #expect(try String(contentsOfFile: stack.directory + "/back.txt", encoding: .utf8) == "from container\n")
        }
    }
}
