import Glibc
import Linux

/// `iperf3 -c HOST -p PORT -t SECONDS -J` from the host; the figure is the receiver's bits per second.
struct IperfClient {
    let binary: String
    let seconds: Int
    let context: BenchContext

    /// Gbit/s received by the server. The server may still be starting: a refused first attempt is retried.
    func gigabits(host: String, port: UInt16, label: String) throws(BenchError) -> Double {
        let stdout = "\(context.workDirectory)/iperf-\(label).json"
        let arguments = [binary, "-c", host, "-p", String(port), "-t", String(seconds), "-J"]
        var attempt = 0
        while true {
            attempt += 1
            let run = try ProcessRunner.run(arguments, environment: context.environment, stdoutPath: stdout,
                                            stderrPath: context.stderrPath("iperf-\(label)"))
            let output = (try? FileSystem.readString(stdout)) ?? ""
            if run.status.succeeded, let bits = Self.receivedBitsPerSecond(output) { return bits / 1e9 }
            guard attempt < 20 else {
                throw .wrongOutput(command: arguments.joined(separator: " "),
                                   message: "\(run.status), no end.sum_received: " + String(output.suffix(400)))
            }
            usleep(250_000)
        }
    }

    /// `end.sum_received.bits_per_second` from iperf3's JSON report, read without a JSON parser: the key
    /// occurs once, and its object's first `bits_per_second` is the figure.
    static func receivedBitsPerSecond(_ json: String) -> Double? {
        guard let section = json.firstRange(of: "\"sum_received\""),
              let key = json[section.upperBound...].firstRange(of: "\"bits_per_second\"") else { return nil }
        let value = json[key.upperBound...].drop { $0 == ":" || $0.isWhitespace }.prefix { $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" }
        return Double(value)
    }
}
