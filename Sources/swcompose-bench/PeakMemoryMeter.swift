import Linux

/// Peak RSS of one program through GNU time, which forks the program from its own small process.
/// Without it the figure is wrong for small programs: posix_spawn's child shares the caller's memory
/// until exec, and exec folds that memory's high-water mark into the child's ru_maxrss, so every
/// child would report at least this benchmark's own peak.
struct PeakMemoryMeter {
    let program: String
    let reportPath: String

    /// `time -f %M -o REPORT PROGRAM ARGS...`: GNU time exits with the program's status.
    func wrap(_ arguments: [String]) -> [String] { [program, "-f", "%M", "-o", reportPath] + arguments }

    /// The program's peak in KiB; the report's last line (earlier lines note a non-zero exit).
    func read() -> Int? {
        guard let text = try? FileSystem.readString(reportPath) else { return nil }
        return text.split(separator: "\n").last.flatMap { Int($0.filter { !$0.isWhitespace }) }
    }
}
