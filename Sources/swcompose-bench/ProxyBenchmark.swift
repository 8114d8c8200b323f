import Glibc
import Linux

/// Published ports: iperf3 throughput and the rate of short HTTP connections through swcompose's userland
/// proxy (127.0.0.1:P) against the same traffic straight to the container's address on the project bridge.
enum ProxyBenchmark {
    static let targetRatio = 0.6
    static let iperfSeconds = 3
    static let connectionSeconds = 2.0

    static func run(_ context: BenchContext) throws(BenchError) {
        let swcompose = try context.swcompose()
        let iperf = IperfClient(binary: try context.tool("iperf3"), seconds: iperfSeconds, context: context)
        let image = try BusyboxImage(context: context)
        let root = try StateRootDirectory.make()
        defer { try? context.removeTree(root) }
        try image.importInto(root: root, swcompose: swcompose, context: context)
        let stack = try ProxyStack(swcompose: swcompose, root: root, context: context)
        defer { stack.down() }

        let iperfProxied = try stack.hostPort("iperf", ProxyStack.iperfPort)
        let iperfAddress = try stack.containerAddress("iperf")
        let httpProxied = try stack.hostPort("http", ProxyStack.httpPort)
        let httpAddress = try stack.containerAddress("http")
        context.note("proxy: iperf3 on 127.0.0.1:\(iperfProxied) and \(iperfAddress):\(ProxyStack.iperfPort); "
            + "httpd on 127.0.0.1:\(httpProxied) and \(httpAddress):\(ProxyStack.httpPort)")

        // Direct first: it also waits for the server to listen.
        let directGbit = try iperf.gigabits(host: iperfAddress, port: ProxyStack.iperfPort, label: "direct")
        let proxiedGbit = try iperf.gigabits(host: "127.0.0.1", port: iperfProxied, label: "proxied")
        let directRate = try ConnectionRate.measure(host: httpAddress, port: ProxyStack.httpPort, seconds: connectionSeconds)
        let proxiedRate = try ConnectionRate.measure(host: "127.0.0.1", port: httpProxied, seconds: connectionSeconds)

        var table = ReportTable(title: "proxy: iperf3 -t \(iperfSeconds) and HTTP/1.0 GETs to busybox httpd for \(Int(connectionSeconds)) s, "
            + "one client (load \(LoadAverage.text))", headers: ["path", "Gbit/s", "connections/s", "Gbit/s vs direct", "conn/s vs direct"])
        table.add(["direct to container (bridge)", Figure.fixed(directGbit, digits: 2), String(Int(directRate)), "1.00x", "1.00x"])
        let ratio = proxiedGbit / directGbit
        table.add(["published port (proxy)", Figure.fixed(proxiedGbit, digits: 2), String(Int(proxiedRate)),
                   Figure.ratio(ratio), Figure.ratio(proxiedRate / directRate)])
        Console.out(table.render())
        Console.out("target proxied / direct throughput >= \(Figure.ratio(targetRatio)): \(ratio >= targetRatio ? "met" : "MISSED")\n")
    }
}
