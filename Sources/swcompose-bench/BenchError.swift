import Linux

/// Why a benchmark could not produce its figures; messages say what to install, build or fix.
enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    case missingProgram(name: String, hint: String)
    case system(what: String, Errno)
    case failed(command: String, status: ProcessStatus, stderrTail: String)
    case notReady(what: String)
    case dns(String)
    case wrongOutput(command: String, message: String)

    var description: String {
        switch self {
        case .usage(let message): message
        case .missingProgram(let name, let hint): "\(name) not found: \(hint)"
        case .system(let what, let errno): "\(what): \(errno)"
        case .failed(let command, let status, let tail):
            "\(command) \(status)" + (tail.isEmpty ? "" : ":\n" + tail)
        case .notReady(let what): "\(what) did not become ready"
        case .dns(let message): "dns: \(message)"
        case .wrongOutput(let command, let message): "\(command): \(message)"
        }
    }
}
