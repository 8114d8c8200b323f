import Cgroups
import Glibc
import Linux

enum TopCommand {
    static let spec = CommandSpec("top", "Display the running processes", arguments: "[SERVICES...]") { invocation in
        let view = try ProjectView(invocation, services: invocation.arguments)
        var text = ""
        for container in view.containers(invocation.arguments, oneOff: true) where container.state.isActive {
            guard let placement = container.spec.cgroup else { continue }
            let rows = Cgroups.manager(for: placement).processes().sorted().compactMap(ProcessRow.init)
            text += container.name + "\n" + Table.render(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], rows.map(\.cells)) + "\n"
        }
        Console.out(text)
        return 0
    }
}

/// One `ps -ef` line for a process, read from /proc on the host (host PIDs, as docker shows them).
struct ProcessRow {
    let cells: [String]

    init?(_ pid: pid_t) {
        guard let status = try? FileSystem.readFile("/proc/\(pid)/status"),
              let stat = try? FileSystem.readFile("/proc/\(pid)/stat") else { return nil }
        let statusText = String(decoding: status, as: UTF8.self)
        func field(_ name: String) -> String {
            statusText.split(separator: "\n").first { $0.hasPrefix(name + ":") }?
                .dropFirst(name.count + 1).split(whereSeparator: { $0 == "\t" || $0 == " " }).first.map(String.init) ?? "?"
        }
        // Fields after the command name, which is in parentheses and may hold spaces.
        let statText = String(decoding: stat, as: UTF8.self)
        guard let close = statText.lastIndex(of: ")") else { return nil }
        let fields = statText[statText.index(after: close)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cpuSeconds = Int(((Double(fields.count > 12 ? fields[11] : "0") ?? 0) + (Double(fields.count > 12 ? fields[12] : "0") ?? 0)) / ticks)
        let arguments = ((try? FileSystem.readFile("/proc/\(pid)/cmdline")) ?? []).split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        cells = [field("Uid"), "\(pid)", field("PPid"), "0", "-", "?",
                 "\(two(cpuSeconds / 3600)):\(two(cpuSeconds / 60 % 60)):\(two(cpuSeconds % 60))", arguments.joined(separator: " ")]
    }
}
