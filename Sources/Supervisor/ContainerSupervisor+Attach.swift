import Glibc
import Linux

/// One attached control connection: output frames it has not taken yet and input bytes of a partial frame.
final class AttachClient {
    let connection: FileDescriptor
    /// Whether this client's input reaches PID 1's stdin (it asked, and the container has `stdin_open`).
    let sendsInput: Bool
    var received: [UInt8] = []
    var pending: [UInt8] = []

    init(connection: FileDescriptor, sendsInput: Bool) {
        self.connection = connection
        self.sendsInput = sendsInput
    }
}

/// `attach`: PID 1's output to every client as it is logged, client input to its stdin, window sizes to its pty.
/// The loop never blocks on a client: output a client has not taken waits in its queue, up to a limit.
extension ContainerSupervisor {
    /// A client that falls this far behind is dropped; its output is still in the log.
    static let attachQueueLimit = 8 << 20
    /// Output kept for a late first client (`replayOutput`); beyond it only the log has it.
    static let replayLimit = 1 << 20

    func attach(_ connection: FileDescriptor, sendsInput: Bool) {
        guard container != nil else {
            return reply(connection, "error container \(spec.container.name) is not running")
        }
        let client = AttachClient(connection: connection, sendsInput: sendsInput && spec.stdinOpen)
        guard (try? connection.writeAll("ok\n")) != nil else { return close(connection) }
        attachments[connection] = client
        try? loop.register(connection) { [unowned self] events in self.serviceAttachment(client, events) }
        if let replay {
            self.replay = nil
            queue(replay, to: client)
        }
    }

    /// Output (or the exit status) to every client; kept for the first client while none has come yet.
    func forward(_ frame: AttachFrame) {
        if attachments.isEmpty, let kept = replay {
            if kept.count < Self.replayLimit { replay = kept + frame.bytes }
            return
        }
        let bytes = frame.bytes
        for client in attachments.values { queue(bytes, to: client) }
    }

    private func queue(_ bytes: [UInt8], to client: AttachClient) {
        client.pending += bytes
        guard client.pending.count <= Self.attachQueueLimit else { return detach(client) }
        sendPending(client)
    }

    /// One non-blocking send of what `client` has not taken; the byte count, or -1 with errno.
    private func sendSome(_ client: AttachClient) -> Int {
        let count = client.pending.withUnsafeBytes {
            Glibc.send(client.connection.rawValue, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
        }
        if count > 0 { client.pending.removeFirst(count) }
        return count
    }

    private func sendPending(_ client: AttachClient) {
        while !client.pending.isEmpty {
            let count = sendSome(client)
            if count > 0 { continue }
            if count == -1 && errno == EINTR { continue }
            if count == -1 && errno == EAGAIN {
                try? loop.modify(client.connection, for: [.readable, .writable])
                return
            }
            return detach(client)
        }
        try? loop.modify(client.connection, for: .readable)
    }

    private func serviceAttachment(_ client: AttachClient, _ events: EventLoop.Events) {
        if events.contains(.writable) { sendPending(client) }
        guard attachments[client.connection] != nil, events.contains(.readable) || events.contains(.hangup) else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(client.connection.rawValue, $0.baseAddress, $0.count) }
        if count == -1 && (errno == EAGAIN || errno == EINTR) { return }
        guard count > 0 else {
            // A `run` client gone means its input ended too.
            if client.sendsInput && spec.stdinOnce { endInput() }
            return detach(client)
        }
        client.received += buffer[0..<count]
        let frames: [AttachFrame]
        do { frames = try AttachFrame.parse(&client.received) } catch { return detach(client) }
        for frame in frames {
            switch frame {
            case .stdin(let data) where client.sendsInput: writeStdin(data)
            case .closeStdin where client.sendsInput && spec.stdinOnce: endInput()
            case .resize(let rows, let columns):
                if let terminal { try? TerminalControl.setWindowSize(terminal, rows: rows, columns: columns) }
            default: break
            }
        }
    }

    private func detach(_ client: AttachClient) {
        attachments[client.connection] = nil
        close(client.connection)
    }

    /// PID 1 is gone: each client gets what it has not taken and the exit status, within a second in all.
    func endAttachments(exitCode: Int32) {
        let deadline = Clock.monotonic() + 1
        for client in attachments.values {
            client.pending += AttachFrame.exit(exitCode).bytes
            while !client.pending.isEmpty {
                var ready = pollfd(fd: client.connection.rawValue, events: Int16(POLLOUT), revents: 0)
                let wait = Int32(max(0, (deadline - Clock.monotonic()) * 1000))
                guard poll(&ready, 1, wait) == 1 else { break }
                if sendSome(client) <= 0 && errno != EAGAIN && errno != EINTR { break }
            }
            detach(client)
        }
    }

    // MARK: PID 1's stdin

    private func writeStdin(_ data: [UInt8]) {
        guard stdinSink != nil else { return }
        stdinBacklog += data
        flushStdin()
    }

    /// Writes what the backlog holds without blocking; waits for the sink to become writable for the rest.
    func flushStdin() {
        guard let sink = stdinSink else { return }
        while !stdinBacklog.isEmpty {
            let count = stdinBacklog.withUnsafeBytes { Glibc.write(sink.rawValue, $0.baseAddress, $0.count) }
            if count > 0 {
                stdinBacklog.removeFirst(count)
                continue
            }
            if count == -1 && errno == EINTR { continue }
            if count == -1 && errno == EAGAIN { return watchSink(sink, writable: true) }
            // The container closed its stdin: nothing more can go in.
            stdinBacklog = []
        }
        watchSink(sink, writable: false)
        if closeStdinWhenFlushed { closeStdin() }
    }

    /// The pty controller is already watched for output; the stdin pipe is watched only while input waits.
    private func watchSink(_ sink: FileDescriptor, writable: Bool) {
        if sink == terminal {
            try? loop.modify(sink, for: writable ? [.readable, .writable] : .readable)
        } else if writable {
            try? loop.register(sink, for: .writable) { [unowned self] _ in self.flushStdin() }
        } else {
            loop.unregister(sink)
        }
    }

    /// The client's input ended: a pty reads that as its end-of-file key, a pipe is closed once flushed.
    private func endInput() {
        guard stdinSink != nil else { return }
        if terminal != nil { return writeStdin([0x04]) }
        closeStdinWhenFlushed = true
        flushStdin()
    }

    /// Closes the stdin pipe (the pty controller stays: it carries the output).
    func closeStdin() {
        if let sink = stdinSink, sink != terminal {
            loop.unregister(sink)
            sink.closeQuietly()
        }
        stdinSink = nil
        stdinBacklog = []
        closeStdinWhenFlushed = false
    }
}
