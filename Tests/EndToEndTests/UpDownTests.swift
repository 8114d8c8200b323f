import Foundation
import Linux
import Testing

/// `up -d` / `down` as a user runs them. Each test has its own state root and project, and checks that nothing
/// of its project is left in the kernel afterwards.
@Suite(.serialized) struct UpDownTests {
    static let threeServices = """
    services:
      web:
        image: localhost/busybox:test
        command: ["httpd", "-f", "-p", "80", "-h", "/www"]
        stop_grace_period: 1s
        volumes: ["./site:/www"]
        ports: ["127.0.0.1:0:80"]
      db:
        image: localhost/busybox:test
        command: ["sh", "-c", "trap 'exit 0' TERM; echo up > /data/ready; sleep inf & wait"]
        volumes: ["data:/data"]
        healthcheck:
          test: ["CMD", "test", "-f", "/data/ready"]
          interval: 200ms
          retries: 20
      app:
        image: localhost/busybox:test
        environment: {GREETING: hello}
        command: ["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]
        depends_on:
          db: {condition: service_healthy}
          web: {condition: service_started}
    volumes:
      data: {}
    """

    func containerDirectories(_ stack: Stack) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: stack.root + "/lib/containers")) ?? []
    }

    func names(_ stack: Stack) -> [String: String] {
        var result: [String: String] = [:]
        for id in containerDirectories(stack) {
            let config = (try? String(contentsOfFile: "\(stack.root)/lib/containers/\(id)/config.json", encoding: .utf8)) ?? ""
            if let range = config.range(of: #""name":"([^"]+)""#, options: .regularExpression) {
                result[String(config[range].dropFirst(8).dropLast())] = id
            }
        }
        return result
    }

    @Test func threeServiceStackComesUpServesAndGoesAway() throws {
        let stack = try Stack(Self.threeServices, name: "up")
        defer { stack.tearDown() }
        try stack.write("<p>bind mounted</p>\n", to: "site/index.html")
        stack.importBusybox()
        let up = stack.run(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(Set(names(stack).keys) == ["\(stack.project)-web-1", "\(stack.project)-db-1", "\(stack.project)-app-1"])
        // db was healthy before app started: app's container exists only after the await.
        #expect(up.stderr.range(of: "db  Healthy")!.lowerBound < up.stderr.range(of: "app-1  Creating")!.lowerBound)

        let down = stack.run(["down"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(containerDirectories(stack).isEmpty)
        #expect(stack.leaks().isEmpty, "\(stack.leaks())")
        // Named volumes survive down; -v removes them.
        #expect(FileManager.default.fileExists(atPath: "\(stack.root)/lib/volumes/\(stack.project)_data/_data/ready"))
        #expect(stack.run(["down", "-v"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(stack.root)/lib/volumes/\(stack.project)_data"))
    }

    @Test func changingOneServiceRecreatesOnlyItAndItsDependents() throws {
        let stack = try Stack(Self.threeServices, name: "recreate")
        defer { stack.tearDown() }
        try stack.write("x\n", to: "site/index.html")
        stack.importBusybox()
        #expect(stack.run(["up", "-d"]).status == 0)
        let before = names(stack)
        try stack.write(Self.threeServices.replacingOccurrences(of: "echo up >", with: "echo again >"), to: "compose.yaml")
        let up = stack.run(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")
        let after = names(stack)
        #expect(after["\(stack.project)-web-1"] == before["\(stack.project)-web-1"])
        #expect(after["\(stack.project)-db-1"] != before["\(stack.project)-db-1"])
        #expect(after["\(stack.project)-app-1"] != before["\(stack.project)-app-1"])
        // A second up with nothing changed touches nothing.
        #expect(stack.run(["up", "-d"]).status == 0)
        #expect(names(stack) == after)
    }

    @Test func scaleUpAndDownThenRemoveOrphans() throws {
        let stack = try Stack("""
        services:
          worker:
            image: localhost/busybox:test
            command: ["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]
          extra:
            image: localhost/busybox:test
            command: ["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]
        """, name: "scale")
        defer { stack.tearDown() }
        stack.importBusybox()
        #expect(stack.run(["up", "-d", "--scale", "worker=3"]).status == 0)
        #expect(names(stack).keys.filter { $0.contains("-worker-") }.count == 3)
        #expect(stack.run(["up", "-d", "--scale", "worker=1"]).status == 0)
        #expect(names(stack).keys.sorted() == ["\(stack.project)-extra-1", "\(stack.project)-worker-1"])

        try stack.write("""
        services:
          worker:
            image: localhost/busybox:test
            command: ["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]
        """, to: "compose.yaml")
        let kept = stack.run(["up", "-d"])
        #expect(kept.stderr.contains("orphan"))
        #expect(names(stack)["\(stack.project)-extra-1"] != nil)
        #expect(stack.run(["up", "-d", "--remove-orphans"]).status == 0)
        #expect(Array(names(stack).keys) == ["\(stack.project)-worker-1"])
    }

    @Test func concurrentUpsOfOneProjectConverge() throws {
        let stack = try Stack("""
        services:
          a:
            image: localhost/busybox:test
            command: ["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]
        """, name: "lock")
        defer { stack.tearDown() }
        stack.importBusybox()
        nonisolated(unsafe) var results: [Stack.Result] = []
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let result = stack.run(["up", "-d"])
            lock.withLock { results.append(result) }
        }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        #expect(names(stack).count == 1)
    }

    @Test func killedUpConvergesAndDownStillRemovesEverything() throws {
        let stack = try Stack(Self.threeServices, name: "kill")
        defer { stack.tearDown() }
        try stack.write("x\n", to: "site/index.html")
        stack.importBusybox()
        // Interrupt `up` at a few points: while creating, while waiting for db to be healthy.
        for delay in [0.02, 0.15] {
            var spawn = Spawn(executable: Stack.binary, arguments: ["swcompose", "-f", stack.directory + "/compose.yaml", "up", "-d"],
                              environment: ["SWCOMPOSE_ROOT=\(stack.root)", "COMPOSE_PROJECT_NAME=\(stack.project)", "PATH=/usr/bin:/bin"])
            let devNull = try FileDescriptor.open("/dev/null", .readWrite)
            defer { devNull.closeQuietly() }
            spawn.descriptors = [0: devNull, 1: devNull, 2: devNull]
            let pid = try spawn.run()
            Thread.sleep(forTimeInterval: delay)
            kill(pid, SIGKILL)
            _ = try Linux.Process.wait(pid)
        }
        let up = stack.run(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(names(stack).count == 3)
        // Supervisors killed too: down must still clean up.
        stack.killSupervisors()
        let down = stack.run(["down"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(containerDirectories(stack).isEmpty)
        #expect(stack.leaks().isEmpty, "\(stack.leaks())")
    }

    @Test func attachedUpAbortsOnExitAndReturnsTheChosenExitCode() throws {
        let stack = try Stack("""
        services:
          job:
            image: localhost/busybox:test
            command: ["sh", "-c", "echo working; sleep 0.3; exit 3"]
          server:
            image: localhost/busybox:test
            command: ["sh", "-c", "trap 'exit 0' TERM; echo serving; sleep inf & wait"]
        """, name: "abort")
        defer { stack.tearDown() }
        stack.importBusybox()
        let up = stack.run(["up", "--abort-on-container-exit", "--exit-code-from", "job", "--no-color"])
        #expect(up.status == 3, "\(up.stderr)")
        #expect(up.stdout.contains("job-1     | working"))
        #expect(up.stdout.contains("server-1  | serving"))
        // Everything was stopped, nothing removed.
        let ps = stack.run(["ps", "-a", "--format", "json"]).stdout
        #expect(!ps.contains("\"running\""))
        #expect(names(stack).count == 2)
    }

    @Test func badComposeFileChangesNothing() throws {
        let stack = try Stack("services:\n  web:\n    image: localhost/busybox:test\n    ports: [\"99999:80\"]\n", name: "bad")
        defer { stack.tearDown() }
        let up = stack.run(["up", "-d"])
        #expect(up.status != 0)
        #expect(up.stderr.contains("compose.yaml:4:"))
        #expect(up.stderr.contains("services.web.ports[0]"))
        #expect(!FileManager.default.fileExists(atPath: stack.root + "/lib/containers"))
    }
}
