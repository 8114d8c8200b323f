import Glibc

/// Modes of the binary that users never type: `__supervise`, `__run`, `__exec` and `__attach`.
public enum HiddenMode {
    /// Runs a hidden mode and returns its exit status, or nil when `arguments` name none.
    public static func dispatch(_ arguments: [String]) -> Int32? {
        guard arguments.count > 1 else { return nil }
        let rest = Array(arguments.dropFirst(2))
        switch arguments[1] {
        case "__supervise": return ContainerSupervisor.main()
        case "__run": return RunMode.run(rest)
        case "__exec": return ExecMode.run(rest)
        case "__attach": return AttachMode.run(rest)
        default: return nil
        }
    }

    public static func exit(_ status: Int32) -> Never { Glibc.exit(status) }
}
