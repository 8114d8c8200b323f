import Foundation
import Linux
import Testing

/// `cpus: 0.5` throttles for real: a busy loop under the limit stays near half a core while the same loop
/// without a limit, running at the same time, takes (load permitting) most of one.
@Suite struct CpuLimitTests {
    static let loop = #"["sh", "-c", "trap 'exit 0' TERM; while :; do :; done & wait"]"#

    @Test func halfACpuThrottlesABusyLoop() throws {
        let stack = try Stack("""
        services:
          limited:
            image: localhost/busybox:test
            cpus: 0.5
            command: \(Self.loop)
          free:
            image: localhost/busybox:test
            command: \(Self.loop)
        """, name: "cpu")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty, "\(stack.leaks())")
        }
        try stack.upDetached()
        let idleBefore = try Self.hostIdle()

        // Each `stats --no-stream` measures CPU % over its own half second; four of them cover ~2 s of the loops.
        var limited: [Double] = []
        var free: [Double] = []
        for _ in 0..<4 {
            let stats = stack.run(["stats", "--no-stream", "--format", "json"])
            try #require(stats.status == 0, "\(stats.stderr)")
            let rows = stats.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
            }
            func percent(_ service: String) throws -> Double {
                let row = try #require(rows.first { $0["Name"] == "\(stack.project)-\(service)-1" }, "\(stats.stdout)")
                return try #require(row["CPUPerc"].flatMap { Double($0.dropLast()) }, "\(row)")
            }
            limited.append(try percent("limited"))
            free.append(try percent("free"))
        }
        let idleCores = try Self.hostIdle().cores(since: idleBefore)
        let limitedMedian = Self.median(limited)
        let freeMedian = Self.median(free)
        // Running, but held to its quota of 50 ms per 100 ms period (plus a period's slack at the window edges).
        #expect(limitedMedian > 15 && limitedMedian <= 70, "limited CPU % \(limited)")
        #expect(try Self.throttledPeriods(project: stack.project) > 0)
        // The unlimited loop takes most of a core unless other work kept every core busy meanwhile: with a
        // quarter core left idle, a loop held under 80% would mean it was throttled too.
        if idleCores > 0.25 {
            #expect(freeMedian > 80, "unlimited CPU % \(free), host idle \(idleCores) cores")
        } else {
            #expect(freeMedian > limitedMedian, "unlimited CPU % \(free) vs limited \(limited), host idle \(idleCores) cores")
        }
    }

    /// nr_throttled of the project's cgroups with a CFS quota (v1 cpu controller, else v2 cpu.stat).
    static func throttledPeriods(project: String) throws -> Int {
        let roots = ["/sys/fs/cgroup/cpu/swcompose/\(project)", "/sys/fs/cgroup/swcompose/\(project)"]
        guard let root = roots.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            Issue.record("no cgroup directory among \(roots)")
            return 0
        }
        var total = 0
        let entries = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        for entry in entries where entry.hasSuffix("cpu.stat") {
            let text = try String(contentsOfFile: "\(root)/\(entry)", encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("nr_throttled ") {
                total += Int(line.split(separator: " ")[1]) ?? 0
            }
        }
        return total
    }

    /// The host's idle plus iowait time (/proc/stat, in USER_HZ ticks) at a moment.
    struct HostIdle {
        let ticks: Double
        let at: Date

        func cores(since earlier: HostIdle) -> Double {
            (ticks - earlier.ticks) / Double(sysconf(Int32(_SC_CLK_TCK))) / at.timeIntervalSince(earlier.at)
        }
    }

    static func hostIdle() throws -> HostIdle {
        let text = try String(contentsOfFile: "/proc/stat", encoding: .utf8)
        let total = try #require(text.split(separator: "\n").first { $0.hasPrefix("cpu ") })
        let fields = total.split(separator: " ").dropFirst().compactMap { Double($0) }
        try #require(fields.count >= 5, "\(total)")
        return HostIdle(ticks: fields[3] + fields[4], at: Date())
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
