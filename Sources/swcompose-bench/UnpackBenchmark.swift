import Glibc
import Linux

/// Layer extraction: `swcompose image import FILE bench:unpack` into a fresh SWCOMPOSE_ROOT against
/// `tar -xzf` into an empty directory, both under the work directory (one filesystem).
/// The import does more than tar: it also copies the compressed blob into the content store and
/// hashes it and the uncompressed stream (diff ID); the ratio includes that work.
enum UnpackBenchmark {
    static let targetRatio = 1.0
    static let targetKiB = 50.0 * 1024

    struct Layer {
        let label: String
        let fileName: String
        /// Relative to /, so the archive holds `usr/...` paths like an image layer.
        let sources: [String]
    }

    static let layers = [
        Layer(label: "small", fileName: "usr-include.tar.gz", sources: ["usr/include"]),
        Layer(label: "large", fileName: "usr-large.tar.gz",
              sources: ["usr/bin", "usr/sbin", "usr/include", "usr/libexec", "usr/share/locale"]),
    ]

    static func run(_ context: BenchContext) throws(BenchError) {
        let swcompose = try context.swcompose()
        let tar = try context.tool("tar")
        var peaks: [String: Double] = [:]
        for layer in layers {
            let archive = try cachedArchive(layer, tar: tar, context: context)
            let size = Figure.fixed(Double(fileSize(archive)) / 1_048_576, digits: 1)
            context.note("unpack: \(layer.fileName) (\(size) MiB compressed)")
            let root = "\(context.workDirectory)/unpack-root"
            let target = "\(context.workDirectory)/unpack-tar"
            var environment = context.environment
            environment["SWCOMPOSE_ROOT"] = root
            let fresh = { (path: String) throws(BenchError) in
                try context.removeTree(path)
                try context.makeDirectory(path)
                // Dirty pages of the previous run must not be written back during this one.
                sync()
            }
            let commands = [
                CommandTimer.Command(label: "swcompose image import", arguments: [swcompose, "image", "import", archive, "bench:unpack"],
                                     environment: environment, prepare: { () throws(BenchError) in try fresh(root) },
                                     cleanup: { () throws(BenchError) in try context.removeTree(root) }),
                CommandTimer.Command(label: "tar -xzf", arguments: [tar, "-xzf", archive, "-C", target],
                                     environment: context.environment, isPeer: true,
                                     prepare: { () throws(BenchError) in try fresh(target) },
                                     cleanup: { () throws(BenchError) in try context.removeTree(target) }),
            ]
            // The archive was just read or written, so it is in the page cache already: no warm-up.
            let timer = CommandTimer(context: context, runs: context.runs(default: 3), warmUp: false)
            let samples = try timer.measure(commands)
            Console.out(ReportTable.commands(
                title: "unpack \(layer.fileName): \(layer.label) layer, \(size) MiB gzip (load \(LoadAverage.text))",
                commands: commands, samples: samples).render())
            if let own = samples[0] {
                peaks[layer.label] = own.peakKiB.max
                if let tarSamples = samples[1] {
                    let ratio = own.seconds.median / tarSamples.seconds.median
                    Console.out("ratio swcompose / tar: \(Figure.ratio(ratio)) (target <= 1.00: \(ratio <= targetRatio ? "met" : "MISSED"))\n")
                }
            }
        }
        if let small = peaks["small"], let large = peaks["large"] {
            let constant = abs(large - small) < 10 * 1024
            Console.out("swcompose peak RSS: small layer \(Figure.mebibytes(kib: small)) MiB, large layer \(Figure.mebibytes(kib: large)) MiB "
                + "(target < 50 MiB and constant in layer size: \(large < targetKiB && constant ? "met" : "MISSED"))\n")
        }
    }

    /// Builds the archive once with `tar -czf`; later runs reuse it.
    static func cachedArchive(_ layer: Layer, tar: String, context: BenchContext) throws(BenchError) -> String {
        let path = "\(context.workDirectory)/\(layer.fileName)"
        if FileSystem.exists(path) { return path }
        context.note("unpack: building \(path) from /\(layer.sources.joined(separator: " /")) (once, cached)")
        let partial = path + ".partial"
        let sources = layer.sources.filter { FileSystem.isDirectory("/" + $0) }
        let stderr = context.stderrPath("tar-create")
        let result = try ProcessRunner.run([tar, "-C", "/", "-czf", partial] + sources, environment: context.environment, stderrPath: stderr)
        // GNU tar exits 1 when a file changed while it was read (a package being installed): still a valid archive.
        guard result.status == .exited(0) || result.status == .exited(1) else {
            throw .failed(command: "tar -czf \(partial)", status: result.status, stderrTail: ProcessRunner.tail(of: stderr))
        }
        guard rename(partial, path) == 0 else { throw .system(what: "rename \(partial)", Errno.current("rename", path)) }
        return path
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }
}
