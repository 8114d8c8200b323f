import Linux

/// A failed cgroup operation: what we tried on which file, and the kernel's answer.
public struct CgroupError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let cause: Errno

    public init(_ operation: String, _ cause: Errno) {
        self.operation = operation
        self.cause = cause
    }

    public var description: String { "\(operation): \(cause.message)" }
}
