import Glibc
import Linux
import Testing
@testable import DNS

@Suite struct ResolverTests {
    let directory = temporaryDirectory()
    var table: NameTable { NameTable(directory: directory) }

    func populate() throws {
        try table.register(DNSRecord(network: "front", names: ["web", "proj-web-1"], ipv4: [10, 1, 0, 2], containerId: "c1"))
        try table.register(DNSRecord(network: "front", names: ["web", "proj-web-2"], ipv4: [10, 1, 0, 3], containerId: "c2"))
        try table.register(DNSRecord(network: "front", names: ["web", "proj-web-3"], ipv4: [10, 1, 0, 4],
                                     ipv6: [0xfd, 0] + Array(repeating: 0, count: 13) + [4], containerId: "c3"))
        try table.register(DNSRecord(network: "back", names: ["db", "proj-db-1"], ipv4: [10, 2, 0, 2], containerId: "c4"))
    }

    func ask(_ resolver: Resolver, _ name: String, _ type: DNSRecordType) throws -> Resolver.Outcome {
        resolver.resolve(.query(id: 42, name: try DNSName(name), type: type))
    }

    func answer(_ outcome: Resolver.Outcome) -> DNSMessage? {
        if case .answer(let message) = outcome { return message }
        return nil
    }

    @Test func scopesAnswersToSharedNetworks() throws {
        defer { try? FileSystem.removeTree(directory) }
        try populate()
        let frontOnly = Resolver(table: NameTableReader(directory: directory), networks: ["front"])
        let db = try #require(answer(try ask(frontOnly, "db", .a)))
        #expect(db.flags.responseCode == .nameError)
        #expect(db.answers.isEmpty)
        let both = Resolver(table: NameTableReader(directory: directory), networks: ["front", "back"])
        let reachable = try #require(answer(try ask(both, "DB", .a)))
        #expect(reachable.flags.responseCode == .noError)
        #expect(reachable.flags.authoritative)
        #expect(reachable.answers == [.a(try DNSName("DB"), [10, 2, 0, 2], ttl: 600)])
        #expect(reachable.id == 42)
    }

    @Test func linkAliasesAnswerForTheirRequesterOnly() throws {
        defer { try? FileSystem.removeTree(directory) }
        try populate()
        let linked = Resolver(table: NameTableReader(directory: directory), networks: ["back"])
        linked.links[try DNSName("database")] = try DNSName("db")
        let alias = try #require(answer(try ask(linked, "Database", .a)))
        #expect(alias.answers == [.a(try DNSName("Database"), [10, 2, 0, 2], ttl: 600)])
        // Another container on the same network has no such name.
        let other = Resolver(table: NameTableReader(directory: directory), networks: ["back"])
        #expect(try #require(answer(try ask(other, "database", .a))).flags.responseCode == .nameError)
        // A link is no way around network scoping: its target must still share a network.
        let outside = Resolver(table: NameTableReader(directory: directory), networks: ["front"])
        outside.links[try DNSName("database")] = try DNSName("db")
        #expect(try #require(answer(try ask(outside, "database", .a))).flags.responseCode == .nameError)
    }

    @Test func serviceNamesReturnEveryReplicaRotated() throws {
        defer { try? FileSystem.removeTree(directory) }
        try populate()
        let resolver = Resolver(table: NameTableReader(directory: directory), networks: ["front"])
        var firsts: [[UInt8]] = []
        for _ in 0..<3 {
            let message = try #require(answer(try ask(resolver, "web", .a)))
            let addresses = message.answers.map { record -> [UInt8] in
                if case .ipv4(let address) = record.data { return address }
                return []
            }
            #expect(Set(addresses) == [[10, 1, 0, 2], [10, 1, 0, 3], [10, 1, 0, 4]])
            firsts.append(addresses[0])
        }
        #expect(Set(firsts).count == 3)
    }

    @Test func distinguishesNameErrorFromNoData() throws {
        defer { try? FileSystem.removeTree(directory) }
        try populate()
        let resolver = Resolver(table: NameTableReader(directory: directory), networks: ["front", "back"])
        let noAAAA = try #require(answer(try ask(resolver, "proj-web-1", .aaaa)))
        #expect(noAAAA.flags.responseCode == .noError)
        #expect(noAAAA.answers.isEmpty)
        let noMX = try #require(answer(try ask(resolver, "db", .mx)))
        #expect(noMX.flags.responseCode == .noError && noMX.answers.isEmpty)
        let aaaa = try #require(answer(try ask(resolver, "web", .aaaa)))
        #expect(aaaa.answers.count == 1)
        let missing = try #require(answer(try ask(resolver, "nothing", .a)))
        #expect(missing.flags.responseCode == .nameError)
        #expect(try ask(resolver, "example.com", .a) == .forward)
    }

    @Test func answersPointerQueriesForOwnAddressesOnly() throws {
        defer { try? FileSystem.removeTree(directory) }
        try populate()
        let resolver = Resolver(table: NameTableReader(directory: directory), networks: ["front"])
        let reverse = try #require(ReverseName.name(for: [10, 1, 0, 3]))
        #expect(reverse.description == "3.0.1.10.in-addr.arpa")
        let ptr = try #require(answer(resolver.resolve(.query(id: 1, name: reverse, type: .ptr))))
        #expect(ptr.answers.map(\.data) == [.name(try DNSName("web")), .name(try DNSName("proj-web-2"))])
        let v6 = try #require(ReverseName.name(for: [0xfd, 0] + Array(repeating: 0, count: 13) + [4]))
        let ptr6 = try #require(answer(resolver.resolve(.query(id: 1, name: v6, type: .ptr))))
        #expect(ptr6.answers.map(\.data).contains(.name(try DNSName("proj-web-3"))))
        // db's address lives on a network this requester does not share: not ours to answer.
        let hidden = try #require(ReverseName.name(for: [10, 2, 0, 2]))
        #expect(resolver.resolve(.query(id: 1, name: hidden, type: .ptr)) == .forward)
    }

    @Test func seesContainersComeAndGoWithoutRestart() throws {
        defer { try? FileSystem.removeTree(directory) }
        let resolver = Resolver(table: NameTableReader(directory: directory + "/later"), networks: ["net"])
        let later = NameTable(directory: directory + "/later")
        #expect(answer(try ask(resolver, "api", .a))?.flags.responseCode == .nameError)
        try later.register(DNSRecord(network: "net", names: ["api"], ipv4: [10, 9, 0, 2], containerId: "a1"))
        #expect(answer(try ask(resolver, "api", .a))?.answers.count == 1)
        try later.register(DNSRecord(network: "net", names: ["api"], ipv4: [10, 9, 0, 3], containerId: "a2"))
        #expect(answer(try ask(resolver, "api", .a))?.answers.count == 2)
        try later.unregister(containerId: "a1")
        try later.unregister(network: "net", containerId: "a2")
        #expect(answer(try ask(resolver, "api", .a))?.flags.responseCode == .nameError)
        // Past the racy window the cached table is trusted and no longer re-read.
        usleep(120_000)
        #expect(answer(try ask(resolver, "api", .a))?.flags.responseCode == .nameError)
    }

    @Test func rejectsRecordsThatCannotBeFiles() throws {
        defer { try? FileSystem.removeTree(directory) }
        #expect(throws: NameTableError.self) {
            try table.register(DNSRecord(network: "../x", names: ["a"], containerId: "c"))
        }
        #expect(throws: NameTableError.self) {
            try table.register(DNSRecord(network: "n", names: ["a"], ipv4: [1, 2, 3], containerId: "c"))
        }
    }

    @Test func rejectsNonQueries() throws {
        defer { try? FileSystem.removeTree(directory) }
        let resolver = Resolver(table: NameTableReader(directory: directory), networks: [])
        var update = DNSMessage.query(id: 3, name: try DNSName("x"), type: .a)
        update.flags.opcode = 5
        #expect(answer(resolver.resolve(update))?.flags.responseCode == .notImplemented)
        var empty = update
        empty.flags.opcode = 0
        empty.questions = []
        #expect(answer(resolver.resolve(empty))?.flags.responseCode == .formatError)
    }
}

@Suite struct ResolvConfTests {
    @Test func rendersContainerFile() {
        let text = ResolvConf.render(nameservers: [ResolvConf.embeddedServer], search: ["corp.example", "example"],
                                     options: ["ndots:0", "timeout:2"])
        #expect(text == "nameserver 127.0.0.11\nsearch corp.example example\noptions ndots:0 timeout:2\n")
        #expect(ResolvConf.render(nameservers: ["127.0.0.11"], search: [], options: []) == "nameserver 127.0.0.11\n")
    }

    @Test func parsesHostFile() {
        let host = ResolvConf.parseHost("""
            # generated
            domain old.example
            nameserver 192.0.2.53 ; primary
            nameserver fe80::1%eth0
            nameserver not-an-address
            search a.example b.example
            options edns0 ndots:2
            options rotate
            """)
        #expect(host.nameservers == ["192.0.2.53", "fe80::1%eth0", "not-an-address"])
        #expect(host.search == ["a.example", "b.example"])
        #expect(host.options == ["edns0", "ndots:2", "rotate"])
        #expect(host.upstreams.map(\.description) == ["192.0.2.53:53", "[fe80::1]:53"])
    }
}
