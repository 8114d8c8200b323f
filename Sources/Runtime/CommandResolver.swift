/// A command as compose writes it: a list (exec form) or a string (shell form).
public enum CommandForm: Codable, Sendable, Equatable {
    case exec([String])
    case shell(String)

    public var arguments: [String] {
        switch self {
        case .exec(let list): list
        case .shell(let line): line.isEmpty ? [] : ["/bin/sh", "-c", line]
        }
    }
}

/// docker's rule for the argv of a container from the image config and the service's overrides.
public enum CommandResolver {
    /// Setting `entrypoint` discards the image's Cmd unless `command` is also set; an empty override clears.
    public static func resolve(
        imageEntrypoint: [String]?, imageCmd: [String]?, entrypoint: CommandForm?, command: CommandForm?
    ) -> [String] {
        let head = entrypoint?.arguments ?? imageEntrypoint ?? []
        let tail: [String]
        if let command {
            tail = command.arguments
        } else if entrypoint != nil {
            tail = []
        } else {
            tail = imageCmd ?? []
        }
        return head + tail
    }

    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// The container's environment: image env, then service env, plus PATH, HOSTNAME and TERM defaults.
    public static func environment(image: [String], service: [String], hostname: String?, tty: Bool) -> [String] {
        var order: [String] = []
        var values: [String: String] = [:]
        func add(_ entry: String) {
            let key = String(entry.prefix { $0 != "=" })
            if values[key] == nil { order.append(key) }
            values[key] = entry
        }
        if let hostname { add("HOSTNAME=\(hostname)") }
        add("PATH=\(defaultPath)")
        image.forEach(add)
        service.forEach(add)
        if tty && values["TERM"] == nil { add("TERM=xterm") }
        return order.compactMap { values[$0] }
    }
}
