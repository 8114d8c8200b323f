import NetAddress
import Netlink
import Testing

/// "0a 00 ff" -> [0x0a, 0x00, 0xff]; whitespace and newlines ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = text.filter(\.isHexDigit)
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

@Suite struct MessageEncodingTests {
    @Test func bridgeCreation() {
        let bytes = RouteRequest.createBridge(name: "swcbr0", mtu: 1500, group: 7).message
        #expect(bytes == hex("""
            4c000000 1000 0506 00000000 00000000
            00 00 0000 00000000 01000000 01000000
            0b00 0300 73776362 72300000
            0800 0400 dc050000
            0800 1b00 07000000
            1000 1200 0b00 0100 62726964 67650000
            """))
    }

    @Test func vethWithPeerInNamespace() {
        let veth = VethRequest(hostName: "swcv1", peerName: "eth0", peerNamespace: .descriptor(5), masterIndex: 3)
        #expect(RouteRequest.createVeth(veth).message == hex("""
            70000000 1000 0506 00000000 00000000
            00 00 0000 00000000 01000000 01000000
            0a00 0300 73776376 31000000
            0800 0a00 03000000
            3c00 1200
              0900 0100 76657468 00000000
              2c00 0200
                2800 0100
                  00 00 0000 00000000 00000000 00000000
                  0900 0300 65746830 00000000
                  0800 1c00 05000000
            """))
    }

    @Test func addressAndRoute() {
        let address = RouteRequest.addAddress(CIDR("172.18.0.2/16")!, index: 2).message
        #expect(address == hex("""
            30000000 1400 0506 00000000 00000000
            02 10 00 00 02000000
            0800 0200 ac120002
            0800 0100 ac120002
            0800 0400 ac12ffff
            """))
        let route = RouteRequest.addDefaultRoute(gateway: IPAddress("172.18.0.1")!, index: 2).message
        #expect(route == hex("""
            2c000000 1800 0506 00000000 00000000
            02 00 00 00 fe 03 00 01 00000000
            0800 0500 ac120001
            0800 0400 02000000
            """))
    }

    @Test func ipv6AddressSkipsDuplicateDetection() {
        let bytes = RouteRequest.addAddress(CIDR("fd00::2/64")!, index: 4).message
        #expect(bytes.count == 16 + 8 + 20 + 20 + 8)
        #expect(Array(bytes[16..<24]) == [10, 64, 0, 0, 4, 0, 0, 0])
        #expect(Array(bytes[64..<72]) == hex("0800 0800 02000000"))
    }

    @Test func groupDeletionNamesNoLink() {
        #expect(RouteRequest.deleteLinks(group: 0x5357_0001).message == hex("""
            28000000 1100 0500 00000000 00000000
            00 00 0000 00000000 00000000 00000000
            0800 1b00 01005753
            """))
    }

    @Test func sequenceIsPatched() {
        var request = RouteRequest.getLink(name: "lo")
        request.setSequence(0x0102_0304)
        #expect(Array(request.message[8..<12]) == [4, 3, 2, 1])
    }
}

@Suite struct MessageParsingTests {
    @Test func errorAndAck() {
        let datagram = hex("""
            24000000 0200 0001 07000000 00000000  efffffff  20000000 1000 0506 07000000 00000000
            24000000 0200 0001 08000000 00000000  00000000  20000000 1000 0506 08000000 00000000
            """)
        let messages = NetlinkMessage.split(datagram[...])
        #expect(messages.count == 2)
        #expect(messages[0].sequence == 7 && messages[0].errorCode == 17)
        #expect(messages[1].errorCode == 0)
    }

    @Test func truncatedMessageIsDropped() {
        let datagram = hex("24000000 0200 0001 07000000 00000000 efffffff")
        #expect(NetlinkMessage.split(datagram[...]).isEmpty)
    }

    @Test func nestedAttributes() {
        let attributes = NetlinkAttributes(hex("""
            0a00 0300 73776376 31000000
            1000 1280 0b00 0100 62726964 67650000
            0800 0400 dc050000
            """)[...])
        #expect(attributes.string(3) == "swcv1")
        #expect(attributes.uint32(4) == 1500)
        #expect(NetlinkAttributes(attributes[18]!).string(1) == "bridge")
        #expect(attributes[99] == nil)
    }
}
