import Glibc
import Linux

// Benchmarks run by hand against the static release binary; figures go to stdout as plain tables.
let exitCode: Int32 = {
    let options: BenchOptions
    do {
        options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
    } catch {
        Console.err("swcompose-bench: \(error)\n")
        return 2
    }
    if options.benchmark == "help" {
        Console.out(BenchOptions.usage + BenchmarkCatalog.listing)
        return 0
    }
    let selected: [Benchmark]
    if options.benchmark == "all" {
        selected = BenchmarkCatalog.benchmarks.filter { $0.run != nil }
    } else if let benchmark = BenchmarkCatalog.named(options.benchmark) {
        selected = [benchmark]
    } else {
        Console.err("swcompose-bench: no benchmark '\(options.benchmark)'\n" + BenchmarkCatalog.listing)
        return 2
    }
    let context: BenchContext
    do { context = try BenchContext(options: options) } catch {
        Console.err("swcompose-bench: \(error)\n")
        return 1
    }
    var failed = false
    for benchmark in selected {
        guard let run = benchmark.run else {
            Console.err("swcompose-bench: \(benchmark.name) is planned but not implemented yet\n")
            failed = true
            continue
        }
        context.note("\(benchmark.name): \(benchmark.summary) (load \(LoadAverage.text))")
        do { try run(context) } catch {
            Console.err("swcompose-bench \(benchmark.name): \(error)\n")
            failed = true
        }
    }
    return failed ? 1 : 0
}()
exit(exitCode)
