import Glibc
import Linux

/// Copies bytes between this process's stdio and a pty controller until the command on the pty ends.
/// Single-threaded: one poll over stdin, the controller and a signalfd for SIGCHLD and SIGWINCH, which the
/// caller blocks before it starts the command so that neither signal can be missed.
struct TerminalRelay {
    static let signals = SignalSet([SIGCHLD, SIGWINCH])

    let controller: FileDescriptor
    let child: pid_t
    let signalDescriptor: SignalDescriptor

    /// Relays until `child` ends and returns its exit code. A terminal on stdin is put in raw mode meanwhile
    /// (the command's pty does the line editing and echo) and restored before returning.
    func run() throws(Errno) -> Int32 {
        let interactive = CurrentProcess.isTerminal(.standardInput)
        var saved: termios?
        if interactive {
            try? TerminalControl.copyWindowSize(from: .standardInput, to: controller)
            saved = try TerminalControl.makeRaw(.standardInput)
        }
        defer { if let saved { TerminalControl.restore(.standardInput, saved) } }

        var inputOpen = true
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var fds = [
                pollfd(fd: inputOpen ? 0 : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: controller.rawValue, events: Int16(POLLIN), revents: 0),
                pollfd(fd: signalDescriptor.fd.rawValue, events: Int16(POLLIN), revents: 0),
            ]
            _ = try retryingInterrupts("poll") { poll(&fds, nfds_t(fds.count), -1) }
            if fds[1].revents != 0 {
                // EIO (or 0) once no process holds the terminal end any more.
                guard try copy(from: controller, to: .standardOutput, &buffer) else { return try finish() }
            }
            if fds[0].revents != 0, !(try copy(from: .standardInput, to: controller, &buffer)) {
                inputOpen = false
                // End of input reaches the command as the terminal's end-of-file key.
                try? controller.writeAll([0x04])
            }
            if fds[2].revents != 0 {
                while let signal = try signalDescriptor.next() {
                    if signal == SIGWINCH, interactive { try? TerminalControl.copyWindowSize(from: .standardInput, to: controller) }
                }
                if let status = try Process.wait(child, noHang: true)?.status {
                    drainController(&buffer)
                    return status.code
                }
            }
        }
    }

    /// One read and write; false at end of input.
    private func copy(from source: FileDescriptor, to target: FileDescriptor, _ buffer: inout [UInt8]) throws(Errno) -> Bool {
        let count = try readToHangup(source, &buffer)
        if count == 0 { return false }
        try target.writeAll(buffer[0..<count])
        return true
    }

    /// What the command wrote just before it ended is still buffered in the pty.
    private func drainController(_ buffer: inout [UInt8]) {
        var ready = pollfd(fd: controller.rawValue, events: Int16(POLLIN), revents: 0)
        while poll(&ready, 1, 0) == 1, (try? copy(from: controller, to: .standardOutput, &buffer)) == true {}
    }

    private func finish() throws(Errno) -> Int32 {
        try Process.wait(child)?.status.code ?? 125
    }
}

/// Bytes read into `buffer`; 0 at end of input, which includes the EIO of a terminal whose other end is gone.
func readToHangup(_ fd: FileDescriptor, _ buffer: inout [UInt8]) throws(Errno) -> Int {
    let result = buffer.withUnsafeMutableBytes { bytes in Result { () throws(Errno) in try fd.read(into: bytes) } }
    switch result {
    case .success(let count): return count
    case .failure(let error) where error.code == EIO: return 0
    case .failure(let error): throw error
    }
}
