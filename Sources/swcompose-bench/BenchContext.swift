import Glibc
import Linux

/// What every benchmark gets: options, resolved paths and a scratch directory on one filesystem.
struct BenchContext {
    let options: BenchOptions
    let environment: [String: String]
    let workingDirectory: String
    /// Scratch and cache directory; everything a benchmark extracts or starts lives below it.
    let workDirectory: String
    /// GNU time for exact peak RSS of timed commands; nil when it is not installed.
    let peakMeter: PeakMemoryMeter?

    init(options: BenchOptions) throws(BenchError) {
        self.options = options
        environment = CurrentProcess.environment()
        do { workingDirectory = try CurrentProcess.workingDirectory() } catch { throw .system(what: "working directory", error) }
        let temp = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let directory = ProgramLocator.absolute(options.workDirectory ?? "\(temp)/swcompose-bench", workingDirectory: workingDirectory)
        workDirectory = directory
        peakMeter = ProgramLocator.find("time", path: environment["PATH"]).map {
            PeakMemoryMeter(program: $0, reportPath: "\(directory)/peak-rss.txt")
        }
        try makeDirectory(workDirectory)
        if peakMeter == nil {
            note("GNU time not found (apt-get install time): peak RSS figures include this benchmark's own peak")
        }
    }

    /// The swcompose binary under test; a missing one is an error, not a skipped benchmark.
    func swcompose() throws(BenchError) -> String {
        let path = ProgramLocator.absolute(options.swcompose, workingDirectory: workingDirectory)
        guard ProgramLocator.isExecutable(path) else {
            throw .missingProgram(name: path, hint: "build it with `swift build -c release --static-swift-stdlib -Xswiftc -static-executable -Xlinker -s` or pass --swcompose PATH")
        }
        note("timing \(path) (\(ExecutableKind.describe(path)))")
        return path
    }

    /// A peer program, or nil (with a note on stderr) when it is not installed.
    func peer(_ name: String, hint: String) -> String? {
        if let path = ProgramLocator.find(name, path: environment["PATH"]) { return path }
        note("\(name) not found (\(hint)); its rows are skipped")
        return nil
    }

    /// Required helper programs such as tar.
    func tool(_ name: String) throws(BenchError) -> String {
        guard let path = ProgramLocator.find(name, path: environment["PATH"]) else {
            throw .missingProgram(name: name, hint: "install it with apt-get")
        }
        return path
    }

    func makeDirectory(_ path: String) throws(BenchError) {
        do { try FileSystem.createDirectory(path) } catch { throw .system(what: "create \(path)", error) }
    }

    func removeTree(_ path: String) throws(BenchError) {
        do { try FileSystem.removeTree(path) } catch { throw .system(what: "remove \(path)", error) }
    }

    /// Where a child's stderr goes; kept so a failure can quote it.
    func stderrPath(_ label: String) -> String { "\(workDirectory)/\(label).stderr" }

    /// Runs for a command: the benchmark's default unless --runs says otherwise.
    func runs(default value: Int) -> Int { options.runs ?? value }

    /// Progress goes to stderr so stdout holds only the tables.
    func note(_ text: String) { Console.err("# \(text)\n") }
}
