import DNS
import Glibc
import Linux

/// Debian's dnsmasq serving a hosts file on 127.0.0.1 and a free port, as the DNS peer. Started with
/// posix_spawn and ended by its PID only.
final class DnsmasqProcess {
    let address: DnsSocketAddress
    private var pid: pid_t?
    private let stderrPath: String
    /// Peak RSS (VmHWM) read just before it was stopped. wait4's ru_maxrss would include this
    /// benchmark's own peak, which posix_spawn's child shares until exec.
    private(set) var peakKiB: Int?

    init(binary: String, hostsFile: String, context: BenchContext) throws(BenchError) {
        address = try Self.freeLoopbackPort()
        stderrPath = context.stderrPath("dnsmasq")
        pid = try ProcessRunner.spawn([
            binary, "--keep-in-foreground", "--no-resolv", "--no-hosts", "--addn-hosts=\(hostsFile)",
            "--listen-address=127.0.0.1", "--bind-interfaces", "--port=\(address.port)",
            "--conf-file=/dev/null", "--pid-file=", "--log-facility=-",
        ], environment: context.environment, stderrPath: stderrPath)
        do {
            try waitUntilAnswering()
        } catch {
            stop()
            throw error
        }
    }

    /// Ends dnsmasq with SIGTERM and reaps it; safe to call twice.
    func stop() {
        guard let running = pid else { return }
        pid = nil
        peakKiB = Self.highWaterMark(running)
        kill(running, SIGTERM)
        _ = try? ProcessRunner.wait(running, command: "dnsmasq")
    }

    /// VmHWM from /proc/PID/status, in KiB.
    private static func highWaterMark(_ pid: pid_t) -> Int? {
        guard let status = try? FileSystem.readString("/proc/\(pid)/status") else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        return line.flatMap { Int($0.dropFirst("VmHWM:".count).filter(\.isNumber)) }
    }

    deinit { stop() }

    private func waitUntilAnswering() throws(BenchError) {
        guard let name = try? DNSName("web") else { throw .dns("bad probe name") }
        for _ in 0..<50 {
            if let running = pid, let status = ProcessRunner.hasExited(running) {
                pid = nil
                throw .failed(command: "dnsmasq", status: status, stderrTail: ProcessRunner.tail(of: stderrPath))
            }
            if let probe = try? DNSBenchmark.run(server: address, name: name, queries: 1, timeoutMilliseconds: 100),
               probe.failures == 0 {
                return
            }
            // A refused query fails at once; give dnsmasq time to bind.
            usleep(50_000)
        }
        throw .notReady(what: "dnsmasq on \(address)")
    }

    /// A port free for both UDP and TCP on 127.0.0.1 right now (the kernel picks it; released again).
    private static func freeLoopbackPort() throws(BenchError) -> DnsSocketAddress {
        guard let any = DnsSocketAddress(host: "127.0.0.1", port: 0) else { throw .dns("no loopback address") }
        do {
            let (udp, tcp) = try DNSServer.bindSockets(any)
            defer {
                udp.closeQuietly()
                tcp.closeQuietly()
            }
            return try DnsSocket.localAddress(of: udp)
        } catch {
            throw .system(what: "find a free port for dnsmasq", error)
        }
    }
}
