import Linux

/// An OCI bundle for `crun run`: `crun spec`'s default config (new pid, net, ipc, uts and mount namespaces,
/// read-only root, no network set up) made non-interactive and pointed at a shared rootfs directory.
struct CrunBundle {
    let path: String

    init(crun: String, rootfs: String, directory: String, context: BenchContext) throws(BenchError) {
        path = directory
        try context.removeTree(directory)
        try context.makeDirectory(directory)
        let config = "\(directory)/config.json"
        _ = try ProcessRunner.runChecked([crun, "spec", "-b", directory], environment: context.environment,
                                         stderrPath: context.stderrPath("crun-spec"))
        var text: String
        do { text = try FileSystem.readString(config) } catch { throw .system(what: "read \(config)", error) }
        // crun spec prints a fixed layout; a change in it must stop the benchmark, not time `sh` on a terminal.
        let edits = [
            (#""terminal": true"#, #""terminal": false"#),
            ("\"args\": [\n\t\t\t\"sh\"\n\t\t]", #""args": ["/bin/true"]"#),
            (#""path": "rootfs""#, "\"path\": \"\(rootfs)\""),
        ]
        for (old, new) in edits {
            guard text.contains(old) else {
                throw .wrongOutput(command: "crun spec", message: "config.json has no \(old.debugDescription) to replace")
            }
            text = text.replacing(old, with: new)
        }
        do { try FileSystem.writeAtomically(config, text) } catch { throw .system(what: "write \(config)", error) }
    }
}
