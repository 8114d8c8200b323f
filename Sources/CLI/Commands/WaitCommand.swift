import Linux
enum WaitCommand {
    static let spec = CommandSpec("wait", "Block until containers of all (or specified) services stop.", arguments: "SERVICE [SERVICE...]") { invocation in
        guard !invocation.arguments.isEmpty else { throw UsageError(message: "wait needs at least one service", command: "wait") }
        let view = try ProjectView(invocation, services: invocation.arguments)
        let containers = view.containers(invocation.arguments)
        if containers.isEmpty { throw CommandError("no containers for services \(invocation.arguments.joined(separator: ", "))") }
        // The first container to stop decides the status, as in docker compose. Polling keeps no thread blocked.
        while true {
            for container in containers {
                let state = try view.store.inspect(container.id)
                if state.status == .exited || state.status == .dead { return state.exitCode ?? 0 }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
