import Glibc
import Linux

/// The `proxy` benchmark's stack: `iperf3 -s` from the host's Debian package (host /usr, /lib and /lib64
/// bound read-only over the busybox image) and busybox `httpd`, each published on 127.0.0.1 with a port
/// the kernel picks. Up in the constructor, down in `down()`; own state root and project name.
struct ProxyStack {
    static let iperfPort: UInt16 = 5201
    static let httpPort: UInt16 = 8080

    let file: String
    let project: String
    let swcompose: String
    let environment: [String: String]
    let context: BenchContext

    static let compose = """
        services:
          iperf:
            image: \(BusyboxImage.reference)
            command: ["/usr/bin/iperf3", "-s", "-p", "\(iperfPort)"]
            volumes: ["/usr:/usr:ro", "/lib:/lib:ro", "/lib64:/lib64:ro"]
            ports: ["127.0.0.1::\(iperfPort)"]
          http:
            image: \(BusyboxImage.reference)
            command: ["httpd", "-f", "-p", "\(httpPort)", "-h", "/var/www"]
            ports: ["127.0.0.1::\(httpPort)"]

        """

    init(swcompose: String, root: String, context: BenchContext) throws(BenchError) {
        self.swcompose = swcompose
        self.context = context
        project = "swcproxy\(getpid())"
        file = "\(context.workDirectory)/proxy-compose.yml"
        var environment = context.environment
        environment["SWCOMPOSE_ROOT"] = root
        self.environment = environment
        do { try FileSystem.writeAtomically(file, Self.compose) } catch { throw .system(what: "write \(file)", error) }
        do {
            _ = try compose(["up", "-d"])
        } catch {
            down()
            throw error
        }
    }

    /// Takes the stack down; errors are noted, not thrown, because it runs in `defer`.
    func down() {
        do { _ = try compose(["down", "-t", "1"]) } catch { context.note("proxy stack down failed: \(error)") }
    }

    /// The host port `service`'s `port` is published on, from `swcompose port`.
    func hostPort(_ service: String, _ port: UInt16) throws(BenchError) -> UInt16 {
        let output = try compose(["port", service, String(port)])
        guard let text = output.split(separator: "\n").first, let colon = text.lastIndex(of: ":"),
              let number = UInt16(text[text.index(after: colon)...]) else {
            throw .wrongOutput(command: "swcompose port \(service) \(port)", message: "no host port in '\(output)'")
        }
        return number
    }

    /// The container's IPv4 address on the project network, as `ip` inside it reports.
    func containerAddress(_ service: String) throws(BenchError) -> String {
        let output = try compose(["exec", "-T", service, "/bin/busybox", "ip", "-4", "-o", "addr", "show"])
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let index = words.firstIndex(of: "inet"), index + 1 < words.count else { continue }
            let address = words[index + 1].split(separator: "/")[0]
            if !address.hasPrefix("127.") { return String(address) }
        }
        throw .wrongOutput(command: "swcompose exec \(service) ip addr", message: "no IPv4 address in '\(output)'")
    }

    /// Runs `swcompose -f FILE -p PROJECT arguments...` and returns its stdout.
    private func compose(_ arguments: [String]) throws(BenchError) -> String {
        let label = "proxy-" + (arguments.first ?? "compose")
        let stdout = "\(context.workDirectory)/\(label).stdout"
        _ = try ProcessRunner.runChecked([swcompose, "-f", file, "-p", project] + arguments, environment: environment,
                                         stdoutPath: stdout, stderrPath: context.stderrPath(label))
        return (try? FileSystem.readString(stdout)) ?? ""
    }
}
