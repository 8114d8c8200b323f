import Linux

/// A failed step of container setup, reported by the child to its parent before it exits.
public struct SetupError: Error, Sendable, CustomStringConvertible {
    public let step: String
    public let detail: String
    /// The exit status docker uses: 127 for a missing command, 126 for one that cannot run.
    public let exitCode: Int32

    public init(_ step: String, _ detail: String, exitCode: Int32 = 127) {
        self.step = step
        self.detail = detail
        self.exitCode = exitCode
    }

    public init(_ step: String, _ cause: Errno) {
        self.init(step, cause.description)
    }

    public var description: String { "\(step): \(detail)" }
}
