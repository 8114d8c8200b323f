/// Repeated measurements of one thing, summarised the way the tables print them.
struct Samples {
    private(set) var values: [Double] = []

    mutating func add(_ value: Double) { values.append(value) }

    var count: Int { values.count }
    var min: Double { values.min() ?? 0 }
    var max: Double { values.max() ?? 0 }
    var total: Double { values.reduce(0, +) }

    /// The middle value; the mean of the two middle ones for an even count.
    var median: Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// Wall times, CPU times and peak memory of repeated runs of one command.
struct CommandSamples {
    var seconds = Samples()
    var cpuSeconds = Samples()
    var peakKiB = Samples()

    mutating func add(_ run: ProcessRun) {
        seconds.add(run.seconds)
        cpuSeconds.add(run.cpuSeconds)
        peakKiB.add(Double(run.peakKiB))
    }
}
