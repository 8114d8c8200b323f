/// Times several commands on the same input, interleaved round by round so a burst of load on the
/// machine hits every command alike.
struct CommandTimer {
    struct Command {
        let label: String
        let arguments: [String]
        let environment: [String: String]
        /// swcompose's own failures abort the benchmark; a failing peer only loses its row.
        var isPeer = false
        /// Untimed, before each run: e.g. an empty target directory and a `sync`.
        var prepare: () throws(BenchError) -> Void = {}
        /// Untimed, after each run, also after a failed one: remove what the run wrote.
        var cleanup: () throws(BenchError) -> Void = {}
    }

    let context: BenchContext
    let runs: Int
    /// One untimed run per command first, so every command starts with the same warm page cache.
    var warmUp = true
    /// Wraps each run in GNU time for its peak RSS; off where a millisecond of wrapper would swamp the figure.
    var measuresPeakMemory = true

    /// Samples per command, in the order given; nil for a peer that failed.
    func measure(_ commands: [Command]) throws(BenchError) -> [CommandSamples?] {
        var samples: [CommandSamples?] = Array(repeating: CommandSamples(), count: commands.count)
        for round in (warmUp ? 0 : 1)...runs {
            for (index, command) in commands.enumerated() {
                guard let taken = samples[index] else { continue }
                if taken.seconds.count >= 3 && taken.seconds.total >= context.options.budgetSeconds { continue }
                do {
                    let run = try once(command)
                    if round > 0 { samples[index]?.add(run) }
                } catch {
                    guard command.isPeer else { throw error }
                    context.note("\(command.label) failed, row skipped: \(error)")
                    samples[index] = nil
                }
            }
        }
        return samples
    }

    private func once(_ command: Command) throws(BenchError) -> ProcessRun {
        try command.prepare()
        let run: ProcessRun
        do {
            run = try ProcessRunner.runChecked(command.arguments, environment: command.environment,
                                               stderrPath: context.stderrPath("timed-command"),
                                               meter: measuresPeakMemory ? context.peakMeter : nil)
        } catch {
            try? command.cleanup()
            throw error
        }
        try command.cleanup()
        // Without GNU time, ru_maxrss holds this benchmark's own peak (see PeakMemoryMeter): not a figure to print.
        return measuresPeakMemory ? run : ProcessRun(status: run.status, seconds: run.seconds, cpuSeconds: run.cpuSeconds, peakKiB: 0)
    }
}

extension ReportTable {
    /// Timed commands, one row each; the first command is the baseline of the last column.
    static func commands(title: String, commands: [CommandTimer.Command], samples: [CommandSamples?]) -> ReportTable {
        var table = ReportTable(title: title, headers: ["command", "runs", "median ms", "min ms", "max ms", "cpu ms", "peak RSS MiB", "time vs swcompose"])
        let baseline = samples[0]?.seconds.median ?? 0
        for (command, sample) in zip(commands, samples) {
            guard let sample else {
                table.add([command.label, "failed", "-", "-", "-", "-", "-", "-"])
                continue
            }
            table.add([
                command.label, String(sample.seconds.count), Figure.milliseconds(sample.seconds.median),
                Figure.milliseconds(sample.seconds.min), Figure.milliseconds(sample.seconds.max),
                Figure.milliseconds(sample.cpuSeconds.median),
                sample.peakKiB.max > 0 ? Figure.mebibytes(kib: sample.peakKiB.max) : "-",
                baseline > 0 ? Figure.ratio(sample.seconds.median / baseline) : "-",
            ])
        }
        return table
    }
}
