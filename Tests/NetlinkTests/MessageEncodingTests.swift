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

/// nf_tables messages byte for byte (the kernel accepts them and `nft list ruleset` reads them back as meant).
@Suite struct NFTablesEncodingTests {
    @Test func batchMarkersNameTheSubsystem() {
        #expect(NFTRequest.batchBegin().message == hex("14000000 1000 0100 00000000 00000000 00 00 000a"))
        #expect(NFTRequest.batchEnd().message == hex("14000000 1100 0100 00000000 00000000 00 00 000a"))
    }

    @Test func tableAndBaseChain() {
        #expect(NFTRequest.newTable("swc").message == hex("1c000000 000a 0504 00000000 00000000 01 00 0000 0800 0100 73776300"))
        #expect(NFTRequest.newChain(table: "t", name: "c", hook: .forward).message == hex("""
            44000000 030a 0504 00000000 00000000 01 00 0000
            0600 0100 74000000
            0600 0300 63000000
            1400 0480 0800 0100 00000002 0800 0200 00000000
            0b00 0700 66696c74 65720000
            """))
        let nat = NFTRequest.newChain(table: "t", name: "c", hook: .sourceNAT).message
        #expect(Array(nat[36..<56]) == hex("1400 0480 0800 0100 00000004 0800 0200 00000064"))
    }

    @Test func ruleMatchingInputInterface() {
        let rule = NFTRequest.appendRule(table: "t", chain: "c", NFTMatch.inputInterface("br0") + [.verdict(.accept)])
        #expect(rule.message == hex("""
            b4000000 060a 050c 00000000 00000000 01 00 0000
            0600 0100 74000000
            0600 0200 63000000
            9000 0480
              2400 0180
                0900 0100 6d657461 00000000
                1400 0280 0800 0200 00000006 0800 0100 00000001
              3800 0180
                0800 0100 636d7000
                2c00 0280
                  0800 0100 00000001
                  0800 0200 00000000
                  1800 0380 1400 0100 62723000 00000000 00000000 00000000
              3000 0180
                0e00 0100 696d6d65 64696174 65000000
                1c00 0280
                  0800 0100 00000000
                  1000 0280 0c00 0280 0800 0100 00000001
            """))
    }

    @Test func flushAndDeleteNameNoHandle() {
        #expect(NFTRequest.flushChain(table: "t", name: "c").message == hex("""
            24000000 080a 0500 00000000 00000000 01 00 0000 0600 0100 74000000 0600 0200 63000000
            """))
        #expect(NFTRequest.deleteTable("t").message == hex("1c000000 020a 0500 00000000 00000000 01 00 0000 0600 0100 74000000"))
    }

    @Test func sourceSubnetChecksTheFamilyThenMasksThePrefix() {
        #expect(NFTMatch.source(in: CIDR("172.17.0.0/16")!) == [
            .meta(.protocolFamily), .equal([2]), .networkHeader(offset: 12, length: 4), .mask([255, 255, 0, 0]), .equal([172, 17, 0, 0]),
        ])
        let v6 = NFTMatch.source(in: CIDR("fd00:1:2::/52")!)
        #expect(v6.prefix(3) == [.meta(.protocolFamily), .equal([10]), .networkHeader(offset: 8, length: 16)])
        #expect(v6[3] == .mask([255, 255, 255, 255, 255, 255, 0xf0] + [UInt8](repeating: 0, count: 9)))
        #expect(NFTMatch.source(in: CIDR("10.0.0.7/32")!).count == 4, "a full-length prefix needs no mask")
    }

    @Test func connectionStateAndMasquerade() {
        #expect(NFTMatch.establishedOrRelated() == [.connectionState, .mask([6, 0, 0, 0]), .notEqual([0, 0, 0, 0])])
        let rule = NFTRequest.appendRule(table: "t", chain: "c", [.connectionState, .masquerade]).message
        #expect(Array(rule[36...]) == hex("""
            3400 0480
              2000 0180 0700 0100 63740000 1400 0280 0800 0200 00000000 0800 0100 00000001
              1000 0180 0900 0100 6d617371 00000000
            """))
    }
}
