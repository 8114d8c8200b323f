import Glibc
import Linux
import Reconciler
import Synchronization

/// docker compose's progress display: a line per network, volume and container with its state and elapsed
/// time, redrawn in place on a terminal; plain lines otherwise (`--progress plain`, pipes, CI).
final class ProgressView: Sendable {
    enum Mode { case tty, plain, quiet }

    private struct Line {
        var title: String
        var status: String
        var started: Double
        var finished: Double?
        var failed: Bool
    }

    private struct State {
        var lines: [Line] = []
        var index: [Int: Int] = [:]
        var drawn = 0
    }

    private let mode: Mode
    private let heading: String
    private let noStart: Bool
    private let state = Mutex(State())

    init(mode: Mode, heading: String, noStart: Bool = false) {
        self.mode = mode
        self.heading = heading
        self.noStart = noStart
    }

    static func mode(for invocation: Invocation) -> Mode {
        switch invocation.global.value("progress") {
        case "plain": return .plain
        case "quiet": return .quiet
        case "tty": return .tty
        default: return CurrentProcess.isTerminal(.standardError) && invocation.environment["CI"] == nil ? .tty : .plain
        }
    }

    func handle(_ event: ProgressEvent) {
        guard mode != .quiet, let words = ProgressView.words(event.node.operation, noStart: noStart) else { return }
        let now = Clock.monotonic()
        let text: String? = state.withLock { state in
            let title = ProgressView.title(event.node.operation)
            var position = state.index[event.node.id]
            if position == nil {
                state.lines.append(Line(title: title, status: words.working, started: now, finished: nil, failed: false))
                position = state.lines.count - 1
                state.index[event.node.id] = position
            }
            switch event.phase {
            case .working: state.lines[position!].status = words.working
            case .done:
                state.lines[position!].status = words.done
                state.lines[position!].finished = now
            case .failed(let message):
                state.lines[position!].status = "Error " + message
                state.lines[position!].finished = now
                state.lines[position!].failed = true
            }
            if mode == .plain { return " \(title)  \(state.lines[position!].status)\n" }
            return redraw(&state, now: now)
        }
        if let text { Console.err(text) }
    }

    /// Final redraw on a terminal, so elapsed times stop where they ended.
    func finish() {
        guard mode == .tty else { return }
        let text = state.withLock { redraw(&$0, now: Clock.monotonic()) }
        Console.err(text)
    }

    private func redraw(_ state: inout State, now: Double) -> String {
        var text = state.drawn > 0 ? "\u{1B}[\(state.drawn)A" : ""
        let done = state.lines.filter { $0.finished != nil }.count
        text += "\u{1B}[2K[+] \(heading) \(done)/\(state.lines.count)\n"
        let width = state.lines.map(\.title.count).max() ?? 0
        for line in state.lines {
            let mark = line.failed ? "\u{1B}[31m✘\u{1B}[0m" : line.finished != nil ? "\u{1B}[32m✔\u{1B}[0m" : "⠿"
            let elapsed = (line.finished ?? now) - line.started
            let seconds = "\(Int(elapsed * 10) / 10).\(Int(elapsed * 10) % 10)s"
            text += "\u{1B}[2K \(mark) \(line.title.padding(width)) \(line.status.padding(10)) \(seconds)\n"
        }
        state.drawn = state.lines.count + 1
        return text
    }

    static func title(_ operation: Operation) -> String {
        switch operation {
        case .createNetwork(let name), .removeNetwork(let name): return "Network \(name)"
        case .createVolume(let name), .removeVolume(let name): return "Volume \(name)"
        case .createContainer(_, _, let name), .recreateContainer(_, let name): return "Container \(name)"
        case .startContainer(let container), .removeContainer(let container): return "Container \(container.name)"
        case .awaitService(let service, _): return "Service \(service)"
        }
    }

    static func words(_ operation: Operation, noStart: Bool) -> (working: String, done: String)? {
        switch operation {
        case .createNetwork, .createVolume: return ("Creating", "Created")
        case .createContainer: return noStart ? ("Creating", "Created") : ("Creating", "Started")
        case .recreateContainer: return noStart ? ("Recreate", "Recreated") : ("Recreate", "Started")
        case .startContainer: return ("Starting", "Started")
        case .removeContainer: return ("Stopping", "Removed")
        case .removeNetwork, .removeVolume: return ("Removing", "Removed")
        case .awaitService(_, let condition):
            return condition == .healthy ? ("Waiting", "Healthy") : ("Waiting", "Exited")
        }
    }
}
