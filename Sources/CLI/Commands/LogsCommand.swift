import Glibc
import Linux
import Reconciler
import Supervisor

enum LogsCommand {
    static let spec = CommandSpec(
        "logs", "View output from containers", arguments: "[SERVICE...]",
        options: [
            .flag("follow", short: "f", "Follow log output"),
            .value("tail", short: "n", "LINES", "Number of lines to show from the end of the logs for each container (default \"all\")"),
            .flag("timestamps", short: "t", "Show timestamps"),
            .value("since", "TIME", "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)"),
            .value("until", "TIME", "Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)"),
            .value("index", "INDEX", "Index of the container if service has multiple replicas"),
            .flag("no-color", "Produce monochrome output"),
            .flag("no-log-prefix", "Don't print prefix in logs"),
        ]
    ) { invocation in
        let options = invocation.options
        let view = try ProjectView(invocation, services: invocation.arguments)
        let now = Clock.now()
        func time(_ name: String) throws -> Double? {
            guard let text = options.value(name) else { return nil }
            guard let value = TimeArgument.parse(text, now: now) else {
                throw UsageError(message: "invalid --\(name) \"\(text)\": use a timestamp (2013-01-02T13:23:37Z) or a duration (42m)", command: "logs")
            }
            return value
        }
        let since = try time("since")
        let until = try time("until")
        var tail: Int?
        if let text = options.value("tail"), text != "all" {
            guard let lines = Int(text) else { throw UsageError(message: "invalid --tail \"\(text)\": a number or \"all\"", command: "logs") }
            tail = lines < 0 ? nil : lines
        }
        var containers = view.containers(invocation.arguments, oneOff: true)
        if let index = try invocation.index() { containers = containers.filter { $0.number == index } }
        let color = !options.flag("no-color") && CurrentProcess.isTerminal(.standardOutput)
        let prefixes = LogPrefix.prefixes(for: containers, color: color)
        let followers = containers.map { LogFollower(container: $0, prefix: options.flag("no-log-prefix") ? "" : prefixes[$0.id]!) }
        let printer = LogPrinter(timestamps: options.flag("timestamps"))

        // The first poll reads every existing line, so following starts exactly where the history ends.
        var history: [(LogFollower, LogEntry)] = []
        for follower in followers {
            var entries = follower.poll().filter { entry in
                (since.map { entry.timestamp >= $0 } ?? true) && (until.map { entry.timestamp <= $0 } ?? true)
            }
            if let tail, entries.count > tail { entries.removeFirst(entries.count - tail) }
            history += entries.map { (follower, $0) }
        }
        // Interleave containers by time, as they happened.
        for (follower, entry) in history.sorted(by: { $0.1.time < $1.1.time }) { printer.print(entry, prefix: follower.prefix) }
        guard options.flag("follow") else { return 0 }

        signal(SIGINT) { _ in interrupts.add(1, ordering: .relaxed) }
        while interrupts.load(ordering: .relaxed) == 0 {
            let running = followers.contains { (try? view.store.inspect($0.container.id))?.isActive ?? false }
            for follower in followers {
                for entry in follower.poll() where until.map({ entry.timestamp <= $0 }) ?? true {
                    printer.print(entry, prefix: follower.prefix)
                }
            }
            if !running { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return 0
    }
}

/// Writes log entries to the stream they came from: stdout lines to stdout, stderr lines to stderr.
struct LogPrinter {
    let timestamps: Bool

    func print(_ entry: LogEntry, prefix: String) {
        let line = prefix + (timestamps ? entry.time + " " : "") + entry.text + "\n"
        if entry.stream == "stderr" { Console.err(line) } else { Console.out(line) }
    }
}
