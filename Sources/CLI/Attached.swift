import Glibc
import Linux
import Reconciler
import Supervisor
import Synchronization

/// SIGINT count, set by the handler and read by the attached loop.
let interrupts = Atomic<Int>(0)

/// Attached `up`: streams every container's logs with prefixes until the containers end; Ctrl-C stops the
/// stack gracefully, a second Ctrl-C kills it.
struct Attached {
    let session: ProjectSession
    let invocation: Invocation
    let services: [String]

    func run() async throws -> Int32 {
        let options = invocation.options
        let attach = options.all("attach")
        let noAttach = Set(options.all("no-attach"))
        let exitCodeFrom = options.value("exit-code-from")
        let abortOnExit = options.flag("abort-on-container-exit") || exitCodeFrom != nil
        let containers = session.containers(services).filter { !$0.oneOff }
        let shown = containers.filter { (attach.isEmpty || attach.contains($0.service)) && !noAttach.contains($0.service) }
        let color = !options.flag("no-color") && CurrentProcess.isTerminal(.standardOutput)
        let prefixes = LogPrefix.prefixes(for: shown, color: color)
        let followers = shown.map { LogFollower(container: $0, prefix: options.flag("no-log-prefix") ? "" : prefixes[$0.id]!) }
        signal(SIGINT) { _ in interrupts.add(1, ordering: .relaxed) }
        signal(SIGTERM) { _ in interrupts.add(1, ordering: .relaxed) }

        var stopping = false
        while true {
            for follower in followers {
                let text = follower.poll().map { follower.prefix + $0.text + "\n" }.joined()
                if !text.isEmpty { Console.out(text) }
            }
            let states = session.runtime.projectContainers().filter { container in containers.contains { $0.id == container.id } }
            let exited = states.filter { $0.state.status == .exited || $0.state.status == .dead }
            let count = interrupts.load(ordering: .relaxed)
            if count >= 2 {
                for container in states where container.state.isActive { try? session.runtime.containers.kill(container.id) }
                return 130
            }
            if !stopping && (count == 1 || (abortOnExit && !exited.isEmpty)) {
                stopping = true
                Console.err(count == 1 ? "Gracefully stopping... (press Ctrl+C again to force)\n" : "Aborting on container exit...\n")
                let timeout = try invocation.timeout()
                let running = states.filter(\.state.isActive)
                await withTaskGroup(of: Void.self) { group in
                    for container in running {
                        group.addTask { try? session.runtime.containers.stop(container.id, timeout: timeout) }
                    }
                }
                continue
            }
            if exited.count == states.count {
                for follower in followers {
                    let text = follower.poll().map { follower.prefix + $0.text + "\n" }.joined()
                    if !text.isEmpty { Console.out(text) }
                }
                if let service = exitCodeFrom {
                    return states.first { $0.service == service }?.state.exitCode ?? 0
                }
                if abortOnExit, let first = exited.min(by: { ($0.state.finishedAt ?? 0) < ($1.state.finishedAt ?? 0) }) {
                    return first.state.exitCode ?? 0
                }
                return stopping && count > 0 ? 130 : 0
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// `up --wait`: every container running, and healthy where it has a healthcheck.
enum Waiting {
    static func untilReady(_ session: ProjectSession, services: [String], timeout: Double?) async throws -> Int32 {
        let deadline = timeout.map { Clock.monotonic() + $0 }
        while true {
            let containers = session.containers(services).filter { !$0.oneOff }
            if let failed = containers.first(where: { $0.state.status == .exited && ($0.state.exitCode ?? 0) != 0 || $0.state.health?.status == .unhealthy }) {
                Console.err("container \(failed.name) is \(failed.state.health?.status == .unhealthy ? "unhealthy" : "exited (\(failed.state.exitCode ?? 0))")\n")
                return 1
            }
            let ready = containers.allSatisfy { container in
                container.state.status == .running && (container.state.health == nil || container.state.health?.status == .healthy)
                    || container.state.status == .exited
            }
            if ready { return 0 }
            if let deadline, Clock.monotonic() > deadline {
                Console.err("timeout waiting for the project to be running|healthy\n")
                return 1
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
