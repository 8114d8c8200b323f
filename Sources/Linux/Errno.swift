import CLinux
import Glibc

/// A failed system call: the errno value, the call and what it was applied to.
/// Messages read like "mount /var/lib/x: No such file or directory".
public struct Errno: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public let call: String
    public let subject: String

    public init(_ code: Int32, call: String, subject: String = "") {
        self.code = code
        self.call = call
        self.subject = subject
    }

    /// The current thread's errno, captured right after a failing call.
    public static func current(_ call: String, _ subject: String = "") -> Errno {
        Errno(clinux_errno(), call: call, subject: subject)
    }

    public var message: String { String(cString: strerror(code)) }

    public var description: String {
        subject.isEmpty ? "\(call): \(message)" : "\(call) \(subject): \(message)"
    }

    public static func == (lhs: Errno, rhs: Errno) -> Bool { lhs.code == rhs.code }
    public static func ~= (lhs: Int32, rhs: Errno) -> Bool { lhs == rhs.code }
}

/// Runs `body` until it stops failing with EINTR; throws `Errno` for -1.
@discardableResult
@inline(__always)
public func retryingInterrupts<T: BinaryInteger>(
    _ call: String, _ subject: @autoclosure () -> String = "", _ body: () -> T
) throws(Errno) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = clinux_errno()
        if code == EINTR { continue }
        throw Errno(code, call: call, subject: subject())
    }
}

/// Throws `Errno` when `result` is -1, without retrying.
@discardableResult
@inline(__always)
public func check<T: BinaryInteger>(
    _ result: T, _ call: String, _ subject: @autoclosure () -> String = ""
) throws(Errno) -> T {
    if result == -1 { throw Errno(clinux_errno(), call: call, subject: subject()) }
    return result
}
