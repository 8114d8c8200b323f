import FoundationEssentials
import NetAddress
import Testing

@Suite struct CIDRTests {
    @Test func ipv4Arithmetic() throws {
        let subnet = try #require(CIDR("172.17.5.9/16"))
        #expect(subnet.network.description == "172.17.0.0/16")
        #expect(subnet.broadcast.description == "172.17.255.255")
        #expect(subnet.host(1)?.description == "172.17.0.1")
        #expect(subnet.host(65535)?.description == "172.17.255.255")
        #expect(subnet.host(65536) == nil)
        #expect(subnet.size == 65536)
        #expect(subnet.index(of: IPAddress("172.17.1.2")!) == 258)
    }

    @Test func containsAndOverlaps() throws {
        let wide = try #require(CIDR("192.168.0.0/16"))
        let narrow = try #require(CIDR("192.168.16.0/20"))
        let other = try #require(CIDR("192.169.0.0/20"))
        #expect(wide.contains(narrow) && !narrow.contains(wide))
        #expect(wide.overlaps(narrow) && narrow.overlaps(wide))
        #expect(!wide.overlaps(other))
        #expect(wide.contains(IPAddress("192.168.255.1")!))
        #expect(!wide.contains(IPAddress("fd00::1")!))
        #expect(!wide.overlaps(CIDR("fd00::/8")!))
    }

    @Test func ipv6Arithmetic() throws {
        let subnet = try #require(CIDR("fd12:3456:789a::/64"))
        #expect(subnet.host(1)?.description == "fd12:3456:789a::1")
        #expect(subnet.broadcast.description == "fd12:3456:789a:0:ffff:ffff:ffff:ffff")
        #expect(CIDR("::/0")!.contains(IPAddress("2001:db8::1")!))
        #expect(CIDR("::/0")!.size == UInt128.max)
    }

    @Test func edgesAndErrors() {
        #expect(CIDR("10.0.0.1")?.prefixLength == 32)
        #expect(CIDR("0.0.0.0/0")!.contains(IPAddress("255.1.2.3")!))
        #expect(CIDR("10.0.0.0/33") == nil)
        #expect(CIDR("10.0.0.0/") == nil)
        #expect(CIDR("10.0.0.0/-1") == nil)
        #expect(CIDR("fd00::/129") == nil)
    }

    @Test func codableAsStrings() throws {
        struct Box: Codable, Equatable { var subnet: CIDR; var gateway: IPAddress; var mac: MACAddress }
        let box = Box(subnet: CIDR("10.1.0.0/24")!, gateway: IPAddress("fd00::1")!, mac: MACAddress("02:00:00:00:00:01")!)
        let data = try JSONEncoder().encode(box)
        #expect(String(decoding: data, as: UTF8.self).contains("\"gateway\":\"fd00::1\""))
        #expect(try JSONDecoder().decode(Box.self, from: data) == box)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Box.self, from: Data(#"{"subnet":"10.1.0.0/40","gateway":"x","mac":"y"}"#.utf8))
        }
    }
}
