import Linux
import Network

/// Per-container network setup through swcompose's rtnetlink path against the same steps with `ip`,
/// as measured by the Network module (swc links on its own bridge, removed before it returns).
enum NetSetupBenchmark {
    static let containers = 20

    static func run(_ context: BenchContext) throws(BenchError) {
        let result: NetworkBenchmark.Result
        do {
            result = try NetworkBenchmark.run(containers: containers, scratch: context.workDirectory)
        } catch {
            throw .wrongOutput(command: "NetworkBenchmark.run", message: "\(error)")
        }
        var table = ReportTable(title: "netsetup: veth in netns + address + up + default route, per container over \(result.containers) (load \(LoadAverage.text))",
                                headers: ["path", "µs per container", "vs rtnetlink"])
        table.add(["swcompose rtnetlink", String(Int(result.netlinkMicroseconds)), "1.00x"])
        let ratio = result.netlinkMicroseconds > 0 ? result.ipCommandMicroseconds / result.netlinkMicroseconds : 0
        table.add(["ip + nsenter commands", String(Int(result.ipCommandMicroseconds)), Figure.ratio(ratio)])
        Console.out(table.render())
    }
}
