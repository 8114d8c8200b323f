import NetAddress
import Network
import Testing

/// Pure IPAM rules: no kernel, no files.
@Suite struct AddressPlannerTests {
    @Test func defaultPoolsFollowDocker() {
        let subnets = AddressPlanner.defaultPools.flatMap(\.subnets).map(\.description)
        #expect(subnets.prefix(3) == ["172.17.0.0/16", "172.18.0.0/16", "172.19.0.0/16"])
        #expect(subnets[14] == "172.31.0.0/16")
        #expect(subnets[15] == "192.168.0.0/20")
        #expect(subnets.last == "192.168.240.0/20")
        #expect(subnets.count == 15 + 16)
    }

    @Test func firstFreeSkipsEverythingTaken() {
        let taken = [CIDR("172.17.0.1/16")!, CIDR("172.18.5.0/24")!, CIDR("172.16.0.0/12")!.with(address: IPAddress("172.20.0.0")!)!]
        #expect(AddressPlanner.firstFree(in: AddressPlanner.defaultPools, avoiding: Array(taken.prefix(2)))?.description == "172.19.0.0/16")
        #expect(AddressPlanner.firstFree(in: AddressPlanner.defaultPools, avoiding: [CIDR("172.16.0.0/12")!])?.description == "192.168.0.0/20")
        #expect(AddressPlanner.firstFree(in: AddressPlanner.defaultPools, avoiding: [CIDR("0.0.0.0/1")!, CIDR("128.0.0.0/1")!]) == nil)
    }

    @Test func uniqueLocalSubnetIsStableAndAvoidsClashes() throws {
        let first = try #require(AddressPlanner.uniqueLocalSubnet(network: "p_default", avoiding: []))
        #expect(first.prefixLength == 64 && first.address.bytes[0] == 0xfd)
        #expect(AddressPlanner.uniqueLocalSubnet(network: "p_default", avoiding: []) == first)
        #expect(AddressPlanner.uniqueLocalSubnet(network: "p_default", avoiding: [first]) != first)
    }

    @Test func configIsValidated() throws {
        let subnet = CIDR("172.28.0.0/16")!
        let full = IPAMConfig(subnet: subnet, ipRange: CIDR("172.28.5.0/24"), gateway: IPAddress("172.28.5.254"),
                              auxAddresses: ["host1": IPAddress("172.28.1.5")!])
        let allocation = try AddressPlanner.subnetAllocation(network: "n", subnet: subnet, config: full)
        #expect(allocation.gateway.description == "172.28.5.254")
        #expect(allocation.gatewayCIDR.description == "172.28.5.254/16")
        #expect(throws: NetworkError.self) {
            try AddressPlanner.subnetAllocation(network: "n", subnet: subnet, config: IPAMConfig(subnet: subnet, gateway: IPAddress("10.0.0.1")))
        }
        #expect(throws: NetworkError.self) {
            try AddressPlanner.subnetAllocation(network: "n", subnet: subnet, config: IPAMConfig(subnet: subnet, ipRange: CIDR("172.29.0.0/24")))
        }
        #expect(throws: NetworkError.self) {
            try AddressPlanner.subnetAllocation(network: "n", subnet: CIDR("10.0.0.0/31")!, config: IPAMConfig())
        }
    }

    @Test func addressesSkipGatewayAuxAndTakenOnes() throws {
        var allocation = try AddressPlanner.subnetAllocation(
            network: "n", subnet: CIDR("10.1.0.0/29")!, config: IPAMConfig(auxAddresses: ["printer": IPAddress("10.1.0.2")!]))
        #expect(try AddressPlanner.assign(&allocation, endpoint: "a", requested: nil, network: "n").description == "10.1.0.3")
        #expect(try AddressPlanner.assign(&allocation, endpoint: "a", requested: nil, network: "n").description == "10.1.0.3")
        #expect(try AddressPlanner.assign(&allocation, endpoint: "b", requested: IPAddress("10.1.0.6"), network: "n").description == "10.1.0.6")
        #expect(throws: NetworkError.self) { try AddressPlanner.assign(&allocation, endpoint: "c", requested: IPAddress("10.1.0.6"), network: "n") }
        #expect(throws: NetworkError.self) { try AddressPlanner.assign(&allocation, endpoint: "c", requested: IPAddress("10.1.0.1"), network: "n") }
        #expect(throws: NetworkError.self) { try AddressPlanner.assign(&allocation, endpoint: "c", requested: IPAddress("10.2.0.9"), network: "n") }
        #expect(try AddressPlanner.assign(&allocation, endpoint: "c", requested: nil, network: "n").description == "10.1.0.4")
        #expect(try AddressPlanner.assign(&allocation, endpoint: "d", requested: nil, network: "n").description == "10.1.0.5")
        // .7 is the broadcast address: the /29 is now full.
        #expect(throws: NetworkError.self) { try AddressPlanner.assign(&allocation, endpoint: "e", requested: nil, network: "n") }
    }

    @Test func namesFitTheKernelLimit() {
        let bridge = NetworkNaming.bridgeName(network: String(repeating: "very-long-project-name", count: 4) + "_default")
        #expect(bridge.hasPrefix("swc") && bridge.utf8.count == 15)
        #expect(bridge == NetworkNaming.bridgeName(network: String(repeating: "very-long-project-name", count: 4) + "_default"))
        #expect(NetworkNaming.bridgeName(network: "a_default") != NetworkNaming.bridgeName(network: "b_default"))
        #expect(NetworkNaming.hostLinkName().utf8.count == 15)
        #expect(NetworkNaming.hostLinkName() != NetworkNaming.hostLinkName())
        #expect(NetworkNaming.linkGroup(project: "p") != 0 && NetworkNaming.linkGroup(project: "p") < 1 << 31)
    }
}
