import Testing
@testable import DNS

@Suite struct DNSNameTests {
    @Test func parsesAndCompareIgnoringCase() throws {
        let name = try DNSName("Web.Example.")
        #expect(name.labels.count == 2)
        #expect(name == (try DNSName("web.example")))
        #expect(name.hashValue == (try DNSName("WEB.EXAMPLE")).hashValue)
        #expect(name.key == "web.example")
        #expect(name.description == "Web.Example")
        #expect(try DNSName(".").isRoot)
    }

    @Test func rejectsBadLabelsAndLengths() {
        #expect(throws: DNSNameError.emptyLabel) { try DNSName("a..b") }
        #expect(throws: DNSNameError.emptyLabel) { try DNSName(".a") }
        #expect(throws: DNSNameError.labelTooLong(String(repeating: "x", count: 64))) {
            try DNSName(String(repeating: "x", count: 64) + ".com")
        }
        let label = String(repeating: "a", count: 63)
        #expect(throws: DNSNameError.nameTooLong(257)) { try DNSName([label, label, label, label].joined(separator: ".")) }
        // 3 * 64 + 62 + 1 = 255 bytes on the wire: exactly the limit.
        #expect((try? DNSName([label, label, label, String(repeating: "a", count: 61)].joined(separator: "."))) != nil)
    }

    @Test func subdomains() throws {
        #expect(try DNSName("2.0.0.10.in-addr.arpa").isSubdomain(of: DNSName("IN-ADDR.arpa")))
        #expect(!(try DNSName("arpa").isSubdomain(of: DNSName("in-addr.arpa"))))
    }
}

@Suite struct DNSCodecTests {
    /// A query for "web.example" type A, id 0x1234, RD set, as dig would send it without EDNS.
    static let queryBytes: [UInt8] = [
        0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x03, 0x77, 0x65, 0x62, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00,
        0x00, 0x01, 0x00, 0x01,
    ]

    @Test func encodesQueryGoldenBytes() throws {
        let query = DNSMessage.query(id: 0x1234, name: try DNSName("web.example"), type: .a)
        #expect(query.encoded() == Self.queryBytes)
        #expect(try DNSMessage(decoding: Self.queryBytes) == query)
    }

    @Test func compressesRepeatedNamesInAnswers() throws {
        let name = try DNSName("web.example")
        var response = DNSMessage.response(to: .query(id: 7, name: name, type: .a), code: .noError)
        response.answers = [.a(try DNSName("WEB.example"), [10, 0, 0, 2], ttl: 600)]
        let bytes = response.encoded()
        // Header 12 + question 17 + answer: pointer to offset 12, type, class, ttl, length 4, address.
        #expect(Array(bytes[29...]) == [0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x58, 0x00, 0x04, 10, 0, 0, 2])
        #expect(bytes[2] == 0x81 && bytes[3] == 0x80)
        let decoded = try DNSMessage(decoding: bytes)
        #expect(decoded.answers == response.answers)
        #expect(decoded.answers[0].name.description == "web.example")
    }

    @Test func roundTripsEveryRecordKind() throws {
        let zone = try DNSName("example")
        var message = DNSMessage(id: 0xbeef)
        message.flags.isResponse = true
        message.flags.authoritative = true
        message.flags.responseCode = .nameError
        message.questions = [DNSQuestion(name: try DNSName("x.example"), type: .any)]
        message.answers = [
            .a(try DNSName("x.example"), [192, 0, 2, 1], ttl: 1),
            .aaaa(try DNSName("x.example"), Array(repeating: 0xfe, count: 16), ttl: 2),
            .ptr(try DNSName("1.2.0.192.in-addr.arpa"), try DNSName("x.example"), ttl: 3),
            DNSResourceRecord(name: try DNSName("alias.example"), type: .cname, ttl: 4, data: .name(try DNSName("x.example"))),
            DNSResourceRecord(name: zone, type: .txt, ttl: 5, data: .opaque([3, 0x61, 0x62, 0x63])),
        ]
        message.authorities = [DNSResourceRecord(name: zone, type: .soa, ttl: 6, data: .startOfAuthority(
            DNSStartOfAuthority(primary: try DNSName("ns.example"), mailbox: try DNSName("admin.example"),
                                serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5)))]
        message.edns = DNSExtension(udpPayloadSize: 1232, version: 0, flags: 0x8000, options: [0, 10, 0, 2, 0xab, 0xcd])
        let bytes = message.encoded()
        #expect(try DNSMessage(decoding: bytes) == message)
        // "\u{1}x\u{7}example" is written once; every later use is a pointer.
        let spelled: [UInt8] = [1, 0x78, 7] + Array("example".utf8)
        #expect((0...(bytes.count - spelled.count)).filter { Array(bytes[$0..<$0 + spelled.count]) == spelled }.count == 1)
    }

    @Test func truncatesToTheLimitWithTC() throws {
        let name = try DNSName("many.example")
        var response = DNSMessage.response(to: .query(id: 1, name: name, type: .a), code: .noError)
        response.answers = (0..<40).map { .a(name, [10, 0, 0, UInt8($0)], ttl: 60) }
        #expect(response.encoded().count > 512)
        let small = response.encoded(limit: 512)
        let decoded = try DNSMessage(decoding: small)
        #expect(decoded.flags.truncated)
        #expect(decoded.answers.isEmpty)
        #expect(decoded.questions == response.questions)
        #expect(!(try DNSMessage(decoding: response.encoded(limit: 4096))).flags.truncated)
    }

    @Test func responseLimitFollowsEDNS() throws {
        let name = try DNSName("a.example")
        #expect(DNSMessage.query(id: 1, name: name, type: .a).udpResponseLimit == 512)
        #expect(DNSMessage.query(id: 1, name: name, type: .a, edns: DNSExtension(udpPayloadSize: 1232)).udpResponseLimit == 1232)
        #expect(DNSMessage.query(id: 1, name: name, type: .a, edns: DNSExtension(udpPayloadSize: 100)).udpResponseLimit == 512)
        #expect(DNSMessage.query(id: 1, name: name, type: .a, edns: DNSExtension(udpPayloadSize: 65000)).udpResponseLimit == 4096)
    }
}

@Suite struct HostileBytesTests {
    static let header: [UInt8] = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]

    @Test func pointerLoopsFail() {
        // Name at offset 12 points to itself.
        #expect(throws: DNSWireError.badPointer(at: 12)) { try DNSMessage(decoding: Self.header + [0xc0, 12, 0, 1, 0, 1]) }
        // A label then a pointer back to the label's own start: a two-step loop.
        #expect(throws: DNSWireError.badPointer(at: 14)) { try DNSMessage(decoding: Self.header + [1, 0x61, 0xc0, 12, 0, 1, 0, 1]) }
    }

    @Test func forwardAndOutOfBoundsPointersFail() {
        #expect(throws: DNSWireError.badPointer(at: 12)) { try DNSMessage(decoding: Self.header + [0xc0, 0x30, 0, 1, 0, 1]) }
        #expect(throws: DNSWireError.badPointer(at: 12)) { try DNSMessage(decoding: Self.header + [0xff, 0xff, 0, 1, 0, 1]) }
        #expect(throws: DNSWireError.truncated(at: 13)) { try DNSMessage(decoding: Self.header + [0xc0]) }
    }

    @Test func truncatedAndReservedInputFails() {
        #expect(throws: DNSWireError.truncated(at: 0)) { try DNSMessage(decoding: []) }
        #expect(throws: DNSWireError.truncated(at: 13)) { try DNSMessage(decoding: Self.header + [5, 0x61]) }
        #expect(throws: DNSWireError.badLabelType(at: 12)) { try DNSMessage(decoding: Self.header + [0x41, 0, 0, 1, 0, 1]) }
        // One answer whose A record claims 5 data bytes.
        let badA: [UInt8] = [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5]
        #expect(throws: DNSWireError.badRecordLength(type: .a, length: 5)) { try DNSMessage(decoding: badA) }
        // A PTR whose name runs past its declared data length.
        let badPTR: [UInt8] = [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 12, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0x61, 0]
        #expect(throws: DNSWireError.badRecordLength(type: .ptr, length: 1)) { try DNSMessage(decoding: badPTR) }
    }

    @Test func overlongNamesFail() {
        let label: [UInt8] = [63] + Array(repeating: 0x61, count: 63)
        let plain = Self.header + label + label + label + label + [0, 0, 1, 0, 1]
        #expect(throws: DNSWireError.badName(.nameTooLong(257))) { try DNSMessage(decoding: plain) }
        // Two questions: three long labels, then one more label pointing back at them, 257 bytes in all.
        var compressed = Self.header + label + label + label + [0, 0, 1, 0, 1] + label + [0xc0, 12, 0, 1, 0, 1]
        compressed[5] = 2
        #expect(throws: DNSWireError.badName(.nameTooLong(257))) { try DNSMessage(decoding: compressed) }
    }

    @Test func randomMutationsNeverCrash() throws {
        var generator = SplitMix(seed: 0x5eed)
        var seedMessage = DNSMessage.response(to: .query(id: 9, name: try DNSName("svc.example"), type: .a), code: .noError)
        seedMessage.answers = [.a(try DNSName("svc.example"), [10, 0, 0, 1], ttl: 5), .ptr(try DNSName("p.example"), try DNSName("svc.example"), ttl: 5)]
        seedMessage.edns = DNSExtension(udpPayloadSize: 4096)
        let seed = seedMessage.encoded()
        var decodedSome = 0
        for _ in 0..<20_000 {
            var bytes = seed
            for _ in 0..<Int(generator.next() % 4 + 1) {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count + 1))))
            if let message = try? DNSMessage(decoding: bytes) {
                decodedSome += 1
                _ = try? DNSMessage(decoding: message.encoded())
            }
        }
        #expect(decodedSome > 0)
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e3779b97f4a7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}
