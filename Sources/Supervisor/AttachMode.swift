import Glibc
import Linux

/// `swcompose __attach STATE-DIR [--no-stdin] [--no-sig-proxy] [--just-started] [--detach-keys KEYS]`: this
/// process's stdio attached to a running container's PID 1 through its supervisor, until PID 1 exits (our exit
/// status is then its) or the detach keys are typed (status 0). Spawned by the CLI so that the relay, which
/// needs signalfd for SIGWINCH and the proxied signals, runs in a single-threaded process.
enum AttachMode {
    struct Options {
        var stateDir = ""
        var stdin = true
        var signalProxy = true
        var justStarted = false
        var detachKeys = "ctrl-p,ctrl-q"
    }

    /// Signals passed on to the container (`--sig-proxy`), as docker's client does.
    static let proxied: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]

    static func run(_ arguments: [String]) -> Int32 {
        guard let options = parse(arguments) else {
            printError("usage: swcompose __attach STATE-DIR [--no-stdin] [--no-sig-proxy] [--just-started] [--detach-keys KEYS]")
            return 125
        }
        let spec: SupervisorSpec
        do { spec = try StateFiles.read(SupervisorSpec.self, from: StateFiles.config(options.stateDir)) } catch {
            printError("swcompose: read container state in \(options.stateDir): \(error)")
            return 125
        }
        guard let detachKeys = DetachKeys(options.detachKeys) else {
            printError("swcompose: invalid detach keys \"\(options.detachKeys)\": expected e.g. ctrl-p,ctrl-q")
            return 125
        }
        let sendsInput = options.stdin && spec.stdinOpen
        let attached = Result { () throws(Errno) in try ControlClient.attach(spec.controlSocket, sendingInput: sendsInput) }
        guard case .success(let (connection, reply)) = attached, reply == "ok" else {
            // A container we just started may already have ended (and its supervisor with it): its log has it all.
            if options.justStarted { return replayLog(spec) }
            let reason = (try? attached.get().reply) ?? "its supervisor is not running"
            printError("swcompose: cannot attach to \(spec.container.name): \(reason)")
            return 1
        }
        defer { connection.closeQuietly() }
        var handled = [SIGWINCH]
        if options.signalProxy { handled += proxied }
        let relay: AttachRelay
        do {
            let set = SignalSet(handled)
            try Signals.block(set)
            relay = AttachRelay(connection: connection, sendsInput: sendsInput, tty: spec.container.process.tty,
                                detachKeys: detachKeys, signals: try SignalDescriptor(set), controlSocket: spec.controlSocket)
        } catch {
            printError("swcompose: attach to \(spec.container.name): \(error)")
            return 1
        }
        switch relay.run() {
        case .exited(let code): return code
        case .detached: return 0
        case .lost:
            // The supervisor went away without a status: the state file has what it recorded.
            let state = try? StateFiles.read(ContainerState.self, from: StateFiles.state(options.stateDir))
            return state?.exitCode ?? 0
        case .failed(let error):
            printError("swcompose: attach to \(spec.container.name): \(error)")
            return 1
        }
    }

    static func parse(_ arguments: [String]) -> Options? {
        guard let directory = arguments.first else { return nil }
        var options = Options(stateDir: directory)
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            switch flag {
            case "--no-stdin": options.stdin = false
            case "--no-sig-proxy": options.signalProxy = false
            case "--just-started": options.justStarted = true
            case "--detach-keys":
                guard let keys = rest.popFirst() else { return nil }
                options.detachKeys = keys
            default: return nil
            }
        }
        return options
    }

    /// The container's whole output from its log, and its exit status from its state.
    private static func replayLog(_ spec: SupervisorSpec) -> Int32 {
        let entries = (try? LogReader.read(path: spec.logPath)) ?? []
        for entry in entries {
            let target: FileDescriptor = entry.stream == "stderr" ? .standardError : .standardOutput
            try? target.writeAll(entry.text + "\n")
        }
        let state = try? StateFiles.read(ContainerState.self, from: StateFiles.state(spec.stateDir))
        return state?.exitCode ?? 125
    }
}

/// docker's `--detach-keys`: comma-separated keys, each `ctrl-<letter or one of @[\]^_>` or a single character.
struct DetachKeys {
    let sequence: [UInt8]
    /// Typed keys that may be the start of the sequence, held back until the next key decides.
    private var held: [UInt8] = []

    init?(_ text: String) {
        var sequence: [UInt8] = []
        for key in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bytes = Array(key.utf8)
            if bytes.count == 1 {
                sequence.append(bytes[0])
            } else if key.lowercased().hasPrefix("ctrl-"), bytes.count == 6 {
                let character = Character(String(key.dropFirst(5)).uppercased())
                guard let value = character.asciiValue, (64...95).contains(value) else { return nil }
                sequence.append(value - 64)
            } else {
                return nil
            }
        }
        guard !sequence.isEmpty else { return nil }
        self.sequence = sequence
    }

    /// The input to pass on, and whether the whole sequence has now been typed.
    mutating func filter(_ input: some Sequence<UInt8>) -> (pass: [UInt8], detach: Bool) {
        var pass: [UInt8] = []
        for byte in input {
            if byte != sequence[held.count] {
                pass += held
                held = []
            }
            if byte == sequence[held.count] { held.append(byte) } else { pass.append(byte) }
            if held.count == sequence.count { return (pass, true) }
        }
        return (pass, false)
    }
}

/// The attach client's loop: stdin to frames, frames to stdout and stderr, window sizes and proxied signals to
/// the container. Single-threaded: one poll over stdin, the connection and a signalfd.
struct AttachRelay {
    enum Outcome {
        case exited(Int32)
        case detached
        case lost
        /// A failed call, or a supervisor that broke the frame protocol.
        case failed(String)
    }

    let connection: FileDescriptor
    let sendsInput: Bool
    let tty: Bool
    var detachKeys: DetachKeys
    let signals: SignalDescriptor
    let controlSocket: String

    init(connection: FileDescriptor, sendsInput: Bool, tty: Bool, detachKeys: DetachKeys, signals: SignalDescriptor,
         controlSocket: String) {
        self.connection = connection
        self.sendsInput = sendsInput
        self.tty = tty
        self.detachKeys = detachKeys
        self.signals = signals
        self.controlSocket = controlSocket
    }

    func run() -> Outcome {
        var relay = self
        do { return try relay.loop() } catch { return .failed(error.description) }
    }

    private mutating func loop() throws(Errno) -> Outcome {
        let terminalInput = CurrentProcess.isTerminal(.standardInput)
        // With a pty in the container its line discipline edits and echoes; ours must pass keys through as typed.
        var saved: termios?
        if tty && terminalInput {
            saved = try? TerminalControl.makeRaw(.standardInput)
            try sendWindowSize()
        }
        defer { if let saved { TerminalControl.restore(.standardInput, saved) } }

        var inputOpen = sendsInput
        var received: [UInt8] = []
        var exitCode: Int32?
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var fds = [
                pollfd(fd: inputOpen ? 0 : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: connection.rawValue, events: Int16(POLLIN), revents: 0),
                pollfd(fd: signals.fd.rawValue, events: Int16(POLLIN), revents: 0),
            ]
            _ = try retryingInterrupts("poll") { poll(&fds, nfds_t(fds.count), -1) }
            if fds[1].revents != 0 {
                let count = try readToHangup(connection, &buffer)
                if count == 0 { return exitCode.map(Outcome.exited) ?? .lost }
                received += buffer[0..<count]
                let frames: [AttachFrame]
                do { frames = try AttachFrame.parse(&received) } catch { return .failed(error.description) }
                for frame in frames {
                    switch frame {
                    case .stdout(let data): try FileDescriptor.standardOutput.writeAll(data)
                    case .stderr(let data): try FileDescriptor.standardError.writeAll(data)
                    case .exit(let code): exitCode = code
                    default: break
                    }
                }
            }
            if fds[0].revents != 0 {
                let count = try readToHangup(.standardInput, &buffer)
                if count == 0 {
                    inputOpen = false
                    try connection.writeAll(AttachFrame.closeStdin.bytes)
                } else {
                    var input = Array(buffer[0..<count])
                    if terminalInput {
                        let filtered = detachKeys.filter(input)
                        if filtered.detach {
                            if !filtered.pass.isEmpty { try connection.writeAll(AttachFrame.stdin(filtered.pass).bytes) }
                            return .detached
                        }
                        input = filtered.pass
                    }
                    if !input.isEmpty { try connection.writeAll(AttachFrame.stdin(input).bytes) }
                }
            }
            if fds[2].revents != 0 {
                while let signal = try signals.next() {
                    if signal == SIGWINCH {
                        if tty && terminalInput { try sendWindowSize() }
                    } else {
                        _ = try? ControlClient.request(controlSocket, "kill \(signal)")
                    }
                }
            }
        }
    }

    private func sendWindowSize() throws(Errno) {
        guard let size = try? TerminalControl.windowSize(.standardInput) else { return }
        try connection.writeAll(AttachFrame.resize(rows: size.rows, columns: size.columns).bytes)
    }
}
