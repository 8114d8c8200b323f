import Glibc
import Linux

enum AttachCommand {
    static let spec = CommandSpec(
        "attach", "Attach local standard input, output, and error streams to a service's running container",
        arguments: "SERVICE",
        options: [
            .value("detach-keys", "KEYS", "Override the key sequence for detaching from a container"),
            .value("index", "INDEX", "index of the container if service has multiple replicas."),
            .flag("no-stdin", "Do not attach STDIN"),
            .flag("sig-proxy", "Proxy all received signals to the process (default true)"),
        ]
    ) { invocation in
        guard invocation.arguments.count == 1 else {
            throw UsageError(message: "attach needs exactly one service", command: "attach")
        }
        let options = invocation.options
        let view = try ProjectView(invocation)
        let container = try view.container(service: invocation.arguments[0], index: try invocation.index())
        let pid = try view.store.attach(container.id, stdin: !options.flag("no-stdin"),
                                        signalProxy: options.flag("sig-proxy", default: true),
                                        detachKeys: options.value("detach-keys"))
        return try AttachCommand.wait(pid)
    }

    /// Waits for an `__attach` helper: it gets the terminal's signals and passes them on, so ours are ignored meanwhile.
    static func wait(_ pid: pid_t) throws -> Int32 {
        let previous = signal(SIGINT, SIG_IGN)
        defer { signal(SIGINT, previous) }
        return try Process.wait(pid)?.status.code ?? 1
    }
}
