import Glibc
import Linux

/// Resident memory of each `swcompose __supervise` process while stack10.yml runs: the per-container
/// cost that conmon (plus aardvark-dns) has for podman. Read from /proc/<pid>/smaps_rollup.
enum SupervisorMemory {
    static let targetKiB = 5.0 * 1024

    struct Reading {
        let pid: pid_t
        let container: String
        let rssKiB: Int
        let pssKiB: Int
    }

    static func run(swcompose: String, image: BusyboxImage, context: BenchContext) throws(BenchError) {
        let root = try StateRootDirectory.make()
        defer { try? context.removeTree(root) }
        try image.importInto(root: root, swcompose: swcompose, context: context)
        var environment = context.environment
        environment["SWCOMPOSE_ROOT"] = root
        let tool = ComposeTool(label: "swcompose", binary: swcompose, environment: environment)
        let file = try ComposeStacks.path(services: 10, context: context)
        let project = "swcbenchmem\(getpid())"
        defer {
            do {
                _ = try ProcessRunner.runChecked(tool.down(file: file, project: project), environment: environment,
                                                 stderrPath: context.stderrPath("memory-down"))
            } catch {
                context.note("memory: down failed, remove the stack by hand (SWCOMPOSE_ROOT=\(root)): \(error)")
            }
        }
        _ = try ProcessRunner.runChecked(tool.up(file: file, project: project), environment: environment,
                                         stderrPath: context.stderrPath("memory-up"))
        let readings = supervisors(root: root)
        guard readings.count == 10 else {
            throw .wrongOutput(command: "swcompose up -d (stack10.yml)", message: "found \(readings.count) supervisors, expected 10")
        }
        var table = ReportTable(title: "supervisor memory, stack10.yml running (load \(LoadAverage.text))",
                                headers: ["process", "containers", "RSS MiB each", "PSS MiB each", "RSS max MiB"])
        let rss = readings.map { Double($0.rssKiB) }
        let pss = readings.map { Double($0.pssKiB) }
        let meanRss = rss.reduce(0, +) / Double(rss.count)
        let meanPss = pss.reduce(0, +) / Double(pss.count)
        table.add(["swcompose __supervise", String(readings.count), Figure.mebibytes(kib: meanRss),
                   Figure.mebibytes(kib: meanPss), Figure.mebibytes(kib: rss.max() ?? 0)])
        table.add(["conmon (peers README)", "-", "2.1", "0.47", "-"])
        Console.out(table.render())
        Console.out("swcompose's supervisor also serves the container's DNS and port proxies; podman adds aardvark-dns (3.6 MB per network)\n")
        Console.out("target per supervisor RSS < 5 MiB: \((rss.max() ?? 0) < targetKiB ? "met" : "MISSED")\n")
    }

    /// Every `__supervise` process whose environment names this state root.
    static func supervisors(root: String) -> [Reading] {
        guard let entries = try? FileSystem.contents(of: "/proc") else { return [] }
        return entries.compactMap { entry -> Reading? in
            guard let pid = pid_t(entry),
                  let arguments = nulSeparated("/proc/\(pid)/cmdline"), arguments.count >= 3, arguments[1] == "__supervise",
                  let environment = nulSeparated("/proc/\(pid)/environ"), environment.contains("SWCOMPOSE_ROOT=\(root)"),
                  let rollup = try? FileSystem.readString("/proc/\(pid)/smaps_rollup")
            else { return nil }
            return Reading(pid: pid, container: arguments[2], rssKiB: field("Rss:", in: rollup), pssKiB: field("Pss:", in: rollup))
        }
    }

    private static func nulSeparated(_ path: String) -> [String]? {
        guard let bytes = try? FileSystem.readFile(path) else { return nil }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// "Rss:   1234 kB" -> 1234.
    private static func field(_ name: String, in text: String) -> Int {
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.dropFirst(name.count).split(separator: " ").first ?? "") ?? 0
        }
        return 0
    }
}
