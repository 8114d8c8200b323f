import NetAddress
import Testing

@Suite struct AddressParsingTests {
    @Test func ipv4RoundTrips() {
        #expect(IPv4Address("172.17.0.1")?.value == 0xAC11_0001)
        #expect(IPv4Address("172.17.0.1")?.description == "172.17.0.1")
        #expect(IPv4Address("255.255.255.255")?.bytes == [255, 255, 255, 255])
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1..2.3", "a.b.c.d", "1.2.3.4 "])
    func ipv4RejectsMalformed(_ text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test(arguments: [
        ("::", "::"), ("::1", "::1"), ("fd00:0:0:0:0:0:0:1", "fd00::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:DB8::", "2001:db8::"),
        ("::ffff:192.168.1.1", "::ffff:c0a8:101"), ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
    ])
    func ipv6Canonical(_ input: String, _ canonical: String) {
        #expect(IPv6Address(input)?.description == canonical)
    }

    @Test(arguments: ["", ":", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7::8"])
    func ipv6RejectsMalformed(_ text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test func ipv6Bytes() {
        let address = IPv6Address("fd00::1")!
        #expect(address.bytes == [0xfd] + [UInt8](repeating: 0, count: 14) + [1])
        #expect(IPv6Address(bytes: address.bytes) == address)
    }

    @Test func macParsesAndPrints() {
        #expect(MACAddress("02:42:AC:11:00:02")?.description == "02:42:ac:11:00:02")
        #expect(MACAddress("02-42-ac-11-00-02")?.bytes == [2, 0x42, 0xac, 0x11, 0, 2])
        #expect(MACAddress("02:42:ac:11:00") == nil)
        #expect(MACAddress("02:42:ac:11:00:2") == nil)
    }

    @Test func macFromSeedIsStableUnicastAndLocal() {
        let a = MACAddress(seed: 42)
        #expect(a == MACAddress(seed: 42))
        #expect(a != MACAddress(seed: 43))
        for seed in UInt64(0)..<64 {
            let mac = MACAddress(seed: seed)
            #expect(mac.isLocallyAdministered && !mac.isMulticast)
        }
    }
}
