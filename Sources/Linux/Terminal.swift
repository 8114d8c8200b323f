import CLinux
import Glibc

/// A pseudo-terminal pair: the controller end the relay reads and writes, the terminal end a command gets as stdio.
public struct PseudoTerminal {
    public let controller: FileDescriptor
    public let terminal: FileDescriptor

    /// `_IO('T', 0x41)`: opens the peer of a controller without a path lookup, so the terminal belongs to
    /// the devpts instance the controller came from (a container's, seen as /dev/pts/N inside it).
    private static let getPeer: UInt = 0x5441
    /// `_IOW('T', 0x31, int)`: unlockpt, which Glibc does not export to Swift.
    private static let setLock: UInt = 0x4004_5431

    /// Opens a pair from `ptmx`, the `ptmx` node of a devpts instance (the caller keeps ownership of `ptmx`).
    public static func open(ptmx path: String, beneath directory: FileDescriptor) throws(Errno) -> PseudoTerminal {
        let controller = try directory.openBeneath(path, [.readWrite, .noCTTY])
        do throws(Errno) {
            var unlocked: Int32 = 0
            try check(clinux_ioctl_ptr(controller.rawValue, setLock, &unlocked), "ioctl TIOCSPTLCK", path)
            let peer = try check(clinux_ioctl_int(controller.rawValue, getPeer, O_RDWR | O_NOCTTY | O_CLOEXEC),
                                 "ioctl TIOCGPTPEER", path)
            return PseudoTerminal(controller: controller, terminal: FileDescriptor(rawValue: peer))
        } catch {
            controller.closeQuietly()
            throw error
        }
    }
}

/// Terminal attributes and window size of a descriptor that is a terminal.
public enum TerminalControl {
    /// Puts `fd` in raw mode (no echo, no line editing, no signal keys) and returns the attributes to restore.
    public static func makeRaw(_ fd: FileDescriptor) throws(Errno) -> termios {
        var saved = termios()
        try check(tcgetattr(fd.rawValue, &saved), "tcgetattr")
        var raw = saved
        cfmakeraw(&raw)
        try check(tcsetattr(fd.rawValue, TCSANOW, &raw), "tcsetattr")
        return saved
    }

    public static func restore(_ fd: FileDescriptor, _ attributes: termios) {
        var attributes = attributes
        _ = tcsetattr(fd.rawValue, TCSANOW, &attributes)
    }

    /// Copies the window size of `source` to `target` (which signals SIGWINCH to the target's foreground group).
    public static func copyWindowSize(from source: FileDescriptor, to target: FileDescriptor) throws(Errno) {
        let size = try windowSize(source)
        try setWindowSize(target, rows: size.rows, columns: size.columns)
    }

    public static func windowSize(_ fd: FileDescriptor) throws(Errno) -> (rows: UInt16, columns: UInt16) {
        var size = winsize()
        try check(clinux_ioctl_ptr(fd.rawValue, UInt(TIOCGWINSZ), &size), "ioctl TIOCGWINSZ")
        return (size.ws_row, size.ws_col)
    }

    public static func setWindowSize(_ fd: FileDescriptor, rows: UInt16, columns: UInt16) throws(Errno) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        try check(clinux_ioctl_ptr(fd.rawValue, UInt(TIOCSWINSZ), &size), "ioctl TIOCSWINSZ")
    }
}
