import Linux
import Reconciler

/// Runs one action on many containers the way docker compose does for stop, start, kill, pause, ...: every
/// container of a group at once, groups one after the other, a " Container NAME  Verbing/Verbed" line each
/// (standard error, silent under `--progress quiet`). The first failure is thrown after the group finishes.
struct ContainerActions {
    let quiet: Bool

    init(_ invocation: Invocation) {
        quiet = ProgressView.mode(for: invocation) == .quiet
    }

    func run(_ groups: [[ProjectRuntime.Container]], working: String, done: String,
             _ action: @escaping @Sendable (ProjectRuntime.Container) throws -> Void) async throws {
        for group in groups where !group.isEmpty {
            let failures = await withTaskGroup(of: String?.self) { tasks in
                for container in group {
                    tasks.addTask {
                        report(container, working)
                        do {
                            // Supervisor round trips block: a thread each, not the cooperative pool's few.
                            try await DetachedThread.run { try action(container) }
                            report(container, done)
                            return nil
                        } catch {
                            report(container, "Error")
                            return "\(error)"
                        }
                    }
                }
                var failures: [String] = []
                for await failure in tasks { if let failure { failures.append(failure) } }
                return failures
            }
            if let first = failures.first { throw CommandError(first) }
        }
    }

    private func report(_ container: ProjectRuntime.Container, _ status: String) {
        if !quiet { Console.err(" Container \(container.name)  \(status)\n") }
    }
}
