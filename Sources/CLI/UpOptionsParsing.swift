import Reconciler

extension Invocation {
    /// `--force-recreate`, `--no-recreate`, `--remove-orphans` and `--scale SERVICE=NUM` as the planner takes them.
    func upOptions() throws -> UpOptions {
        var up = UpOptions()
        up.forceRecreate = options.flag("force-recreate")
        up.noRecreate = options.flag("no-recreate")
        up.removeOrphans = options.flag("remove-orphans") || environment["COMPOSE_REMOVE_ORPHANS"] == "true"
        for entry in options.all("scale") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let count = Int(parts[1]), count >= 0 else {
                throw UsageError(message: "invalid --scale \(entry): expected SERVICE=NUM", command: command.name)
            }
            up.scale[String(parts[0])] = count
        }
        if up.forceRecreate && up.noRecreate {
            throw UsageError(message: "--force-recreate and --no-recreate are incompatible", command: command.name)
        }
        return up
    }
}
