/// Answers queries for one requester from the records of the networks it is attached to, the way
/// docker's embedded DNS and aardvark-dns scope names: a container only sees names on networks it shares.
/// Not `Sendable`: it rotates answers with a counter and lives on the server's event loop.
public final class Resolver {
    public enum Outcome: Equatable, Sendable {
        /// A complete response, ready to encode.
        case answer(DNSMessage)
        /// Not a local name: ask the upstream resolvers.
        case forward
    }

    public let table: NameTableReader
    /// The requester's networks; the supervisor updates them when the container is connected or disconnected.
    public var networks: Set<String>
    /// compose's `links: ["db:database"]`: names only this requester has, answered as the target's records.
    public var links: [DNSName: DNSName] = [:]
    public var ttl: UInt32
    private var rotation = 0

    public init(table: NameTableReader, networks: [String], ttl: UInt32 = 600) {
        self.table = table
        self.networks = Set(networks)
        self.ttl = ttl
    }

    public func resolve(_ query: DNSMessage) -> Outcome {
        guard !query.flags.isResponse, query.flags.opcode == 0 else {
            return .answer(.response(to: query, code: .notImplemented))
        }
        guard query.questions.count == 1, let question = query.questions.first else {
            return .answer(.response(to: query, code: .formatError))
        }
        guard question.dnsClass == .internet else { return .forward }
        let snapshot = table.snapshot()
        if question.type == .ptr, let address = ReverseName.address(from: question.name) {
            let owners = snapshot.records(withAddress: address, on: networks)
            if owners.isEmpty { return .forward }
            return .answer(reply(to: query, records: pointers(question.name, owners)))
        }
        let owners = snapshot.records(named: links[question.name] ?? question.name, on: networks)
        if owners.isEmpty {
            // A bare name can only be a container name; asking the internet about it leaks it and waits.
            return question.name.labels.count == 1 ? .answer(.response(to: query, code: .nameError)) : .forward
        }
        var records: [DNSResourceRecord] = []
        if question.type == .a || question.type == .any {
            records += unique(owners.compactMap(\.ipv4)).map { .a(question.name, $0, ttl: ttl) }
        }
        if question.type == .aaaa || question.type == .any {
            records += unique(owners.compactMap(\.ipv6)).map { .aaaa(question.name, $0, ttl: ttl) }
        }
        // A name that exists without the asked type is NODATA: NOERROR with an empty answer.
        return .answer(reply(to: query, records: rotated(records)))
    }

    private func reply(to query: DNSMessage, records: [DNSResourceRecord]) -> DNSMessage {
        var response = DNSMessage.response(to: query, code: .noError)
        response.flags.authoritative = true
        response.answers = records
        return response
    }

    private func pointers(_ name: DNSName, _ owners: [DNSRecord]) -> [DNSResourceRecord] {
        let targets = unique(owners.flatMap(\.names).compactMap { try? DNSName($0) })
        return targets.map { .ptr(name, $0, ttl: ttl) }
    }

    /// Replicas come back in a different order on each query so clients that take the first spread load.
    private func rotated(_ records: [DNSResourceRecord]) -> [DNSResourceRecord] {
        guard records.count > 1 else { return records }
        rotation &+= 1
        let shift = rotation % records.count
        return Array(records[shift...] + records[..<shift])
    }

    private func unique<T: Hashable>(_ values: [T]) -> [T] {
        var seen = Set<T>()
        return values.filter { seen.insert($0).inserted }
    }
}
