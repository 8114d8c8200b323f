import Linux

/// `pause` and `unpause`: the freezer, one way or the other, on the selected services' containers.
enum PauseCommand {
    static let spec = make(pause: true)
    static let unpauseSpec = make(pause: false)

    static func make(pause: Bool) -> CommandSpec {
        CommandSpec(pause ? "pause" : "unpause", pause ? "Pause services" : "Unpause services", arguments: "[SERVICE...]") { invocation in
            let view = try ProjectView(invocation, services: invocation.arguments)
            let selected = view.containers(invocation.arguments).filter { $0.state.status == (pause ? .running : .paused) }
            let store = view.store
            try await ContainerActions(invocation).run([selected], working: pause ? "Pausing" : "Unpausing",
                                                       done: pause ? "Paused" : "Unpaused") { container in
                if pause { try store.pause(container.id) } else { try store.unpause(container.id) }
            }
            return 0
        }
    }
}
