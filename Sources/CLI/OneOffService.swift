import Compose
import Linux
import YAML

/// The service as `run` starts it: the command line's overrides written into its normalised node, so the
/// container is built by the same ContainerSpecBuilder as every other.
struct OneOffService {
    var service: Service

    /// `run` publishes no ports unless `--service-ports`; `-p` adds its own.
    mutating func apply(_ invocation: Invocation, command: [String]) throws {
        let options = invocation.options
        if !command.isEmpty { set("command", .init(.sequence(command.map { .string($0) }))) }
        if let entrypoint = options.value("entrypoint") {
            set("entrypoint", .init(.sequence(entrypoint.split(separator: " ").map(String.init).map { .string($0) })))
        }
        // docker compose allocates a pty when stdout is a terminal (unless `-T`) and then refuses a stdin that is not
        // one; we need both to be terminals instead, so `run svc cmd < file` just works. Stdin open unless `-i=false`.
        let terminal = CurrentProcess.isTerminal(.standardInput) && CurrentProcess.isTerminal(.standardOutput)
        let tty = options.flag("detach") ? service.tty : !options.flag("no-TTY") && terminal
        set("tty", Self.plain(tty ? "true" : "false"))
        set("stdin_open", Self.plain(options.flag("interactive", default: true) ? "true" : "false"))
        if let user = options.value("user") { set("user", .string(user)) }
        if let workdir = options.value("workdir") { set("working_dir", .string(workdir)) }
        var environment = service.node["environment"]?.pairs ?? []
        for entry in options.all("env") {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            let value = parts.count == 2 ? parts[1] : invocation.environment[parts[0]] ?? ""
            environment.removeAll { $0.key.scalar == parts[0] }
            environment.append(Node.Pair(key: .string(parts[0]), value: .string(value)))
        }
        set("environment", Node(.mapping(environment)))
        var ports = options.flag("service-ports") ? service.node["ports"]?.sequence ?? [] : []
        for text in options.all("publish") { ports.append(try Self.port(text)) }
        set("ports", Node(.sequence(ports)))
        var volumes = service.node["volumes"]?.sequence ?? []
        for text in options.all("volume") { volumes.append(try Self.volume(text, directory: invocation.workingDirectory)) }
        set("volumes", Node(.sequence(volumes)))
    }

    private mutating func set(_ key: String, _ value: Node) {
        var pairs = service.node.pairs ?? []
        pairs.removeAll { $0.key.scalar == key }
        pairs.append(Node.Pair(key: .string(key), value: value))
        service.node = Node(.mapping(pairs), mark: service.node.mark)
    }

    private static func plain(_ text: String) -> Node { Node(.scalar(text, .plain)) }

    /// `[[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`.
    static func port(_ text: String) throws -> Node {
        let (body, proto) = text.split(separator: "/", maxSplits: 1).map(String.init).splitProtocol()
        var parts = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let target = parts.popLast(), UInt16(target) != nil, parts.count <= 2 else {
            throw UsageError(message: "invalid -p \"\(text)\": expected [[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]", command: "run")
        }
        var pairs: [(String, Node)] = [("target", plain(target)), ("protocol", .string(proto))]
        if let published = parts.popLast(), !published.isEmpty { pairs.append(("published", .string(published))) }
        if let hostIP = parts.popLast(), !hostIP.isEmpty { pairs.append(("host_ip", .string(hostIP))) }
        return .mapping(pairs)
    }

    /// `SOURCE:TARGET[:ro]`: a path (absolute or `./`) binds, a name is a named volume; `TARGET` alone is anonymous.
    static func volume(_ text: String, directory: String) throws -> Node {
        let parts = text.split(separator: ":").map(String.init)
        guard (1...3).contains(parts.count), parts.last != "" else {
            throw UsageError(message: "invalid -v \"\(text)\": expected SOURCE:TARGET[:ro]", command: "run")
        }
        if parts.count == 1 { return .mapping([("type", .string("volume")), ("target", .string(parts[0]))]) }
        var source = parts[0]
        let isPath = source.hasPrefix("/") || source.hasPrefix(".")
        if source.hasPrefix(".") { source = directory + "/" + source }
        return .mapping([("type", .string(isPath ? "bind" : "volume")), ("source", .string(source)), ("target", .string(parts[1])),
                         ("read_only", plain(parts.count == 3 && parts[2] == "ro" ? "true" : "false"))])
    }
}

private extension Array where Element == String {
    /// ["80", "udp"] → ("80", "udp"); ["80"] → ("80", "tcp").
    func splitProtocol() -> (String, String) { (first ?? "", count > 1 ? self[1] : "tcp") }
}
