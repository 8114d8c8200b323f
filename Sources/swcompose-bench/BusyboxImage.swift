import Linux

/// The busybox image every container benchmark starts: one tar made by examples/busybox-rootfs.sh (the same
/// bytes swcompose, podman and crun see) and that tar unpacked as a plain rootfs directory. Both are cached.
struct BusyboxImage {
    static let reference = "localhost/busybox:test"

    let tarPath: String
    let rootfsPath: String

    init(context: BenchContext) throws(BenchError) {
        let directory = "\(context.workDirectory)/busybox"
        try context.makeDirectory(directory)
        tarPath = "\(directory)/busybox.tar"
        rootfsPath = "\(directory)/rootfs"
        if !FileSystem.exists(tarPath) {
            let script = ProgramLocator.absolute(context.options.busyboxScript, workingDirectory: context.workingDirectory)
            guard ProgramLocator.isExecutable(script) else {
                throw .missingProgram(name: script, hint: "run from the repository root or pass --busybox-script PATH")
            }
            context.note("building \(tarPath) with \(script) (once, cached)")
            _ = try ProcessRunner.runChecked([script, tarPath], environment: context.environment, stderrPath: context.stderrPath("busybox-rootfs"))
        }
        if !FileSystem.isDirectory("\(rootfsPath)/bin") {
            try context.makeDirectory(rootfsPath)
            _ = try ProcessRunner.runChecked([try context.tool("tar"), "-xf", tarPath, "-C", rootfsPath],
                                             environment: context.environment, stderrPath: context.stderrPath("busybox-untar"))
        }
    }

    /// Imports the tar as `localhost/busybox:test` into the swcompose state root `root`.
    func importInto(root: String, swcompose: String, context: BenchContext) throws(BenchError) {
        var environment = context.environment
        environment["SWCOMPOSE_ROOT"] = root
        _ = try ProcessRunner.runChecked([swcompose, "image", "import", tarPath, Self.reference], environment: environment,
                                         stderrPath: context.stderrPath("image-import"))
    }
}
