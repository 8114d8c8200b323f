import Glibc
import Linux
import NetAddress
import Netlink
import Network
import Testing

/// Real-kernel suite (root): bridges, veths in throwaway namespaces, IPAM against the host's routes.
/// Serialized: tests here create bridges whose subnets must not race each other.
@Suite(.serialized) struct NetworkKernelTests {
    @Test func containersOnOneBridgeReachEachOtherButNotAnotherBridge() throws {
        let state = temporaryStateRoot()
        defer { try? FileSystem.removeTree(state.path) }
        let project = uniqueName("reach")
        let manager = try NetworkManager(stateRoot: state.root)
        defer { try? manager.deleteLinks(project: project) }
        let front = NetworkSpec(name: "\(project)_front", project: project, ipam: [IPAMConfig(subnet: CIDR("10.213.1.0/24"))])
        let back = NetworkSpec(name: "\(project)_back", project: project, ipam: [IPAMConfig(subnet: CIDR("10.213.2.0/24"))])
        try manager.create(front)
        try manager.create(back)
        let a = try FakeContainer(), b = try FakeContainer(), c = try FakeContainer()
        defer { [a, b, c].forEach { $0.stop() } }

        let aLinks = try manager.attach(endpoint: "a", namespace: a.namespace, networks: [EndpointRequest(network: front.name)])
        let bLinks = try manager.attach(endpoint: "b", namespace: b.namespace,
                                        networks: [EndpointRequest(network: front.name, staticAddresses: [IPAddress("10.213.1.50")!])])
        let cLinks = try manager.attach(endpoint: "c", namespace: c.namespace, networks: [EndpointRequest(network: back.name)])

        #expect(aLinks.first?.addresses.first?.description == "10.213.1.2/24")
        #expect(bLinks.first?.addresses.first?.description == "10.213.1.50/24")
        #expect(aLinks.first?.gateways.map(\.description) == ["10.213.1.1"])
        #expect(aLinks.first?.mac.description == "02:42:0a:d5:01:02")
        #expect(try a.exec(["ip", "route", "show", "default"]).output.contains("via 10.213.1.1 dev eth0"))
        #expect(try a.exec(["ip", "-o", "link", "show", "lo"]).output.contains("UP"))
        #expect(try a.exec(["busybox", "ping", "-c1", "-W2", "10.213.1.50"]).status == 0)
        #expect(try b.exec(["busybox", "ping", "-c1", "-W2", "10.213.1.1"]).status == 0)
        let cAddress = try #require(cLinks.first?.addresses.first?.address)
        #expect(try a.exec(["busybox", "ping", "-c1", "-W1", cAddress.description]).status != 0)
    }

    @Test func ipamSkipsSubnetsTheHostAlreadyUses() throws {
        let state = temporaryStateRoot()
        defer { try? FileSystem.removeTree(state.path) }
        // This kernel has no dummy driver; a bare bridge is just as good a holder of a host address.
        let dummy = "swcd\(getpid() % 100_000)"
        try run(["ip", "link", "add", dummy, "type", "bridge"])
        defer { try? run(["ip", "link", "del", dummy]) }
        #expect(try run(["ip", "addr", "add", "172.17.0.1/16", "dev", dummy]).status == 0)
        let project = uniqueName("ipam")
        let manager = try NetworkManager(stateRoot: state.root)
        defer { try? manager.deleteLinks(project: project) }

        let first = try manager.create(NetworkSpec(name: "\(project)_one", project: project))
        let second = try manager.create(NetworkSpec(name: "\(project)_two", project: project, enableIPv6: true))
        let firstSubnet = try #require(first.subnets.first?.subnet)
        let secondSubnet = try #require(second.subnets.first?.subnet)
        #expect(!firstSubnet.overlaps(CIDR("172.17.0.0/16")!))
        #expect(!firstSubnet.overlaps(secondSubnet))
        #expect(second.subnets.count == 2 && second.subnets[1].subnet.description.hasPrefix("fd"))
        #expect(try manager.ipam.allocations().count == 2)
        #expect(try manager.create(NetworkSpec(name: "\(project)_one", project: project)) == first)
    }

    @Test func removalLeavesNoLinkAndNoAllocation() throws {
        let state = temporaryStateRoot()
        defer { try? FileSystem.removeTree(state.path) }
        let project = uniqueName("rm")
        let manager = try NetworkManager(stateRoot: state.root)
        defer { try? manager.deleteLinks(project: project) }
        let spec = NetworkSpec(name: "\(project)_default", project: project, ipam: [IPAMConfig(subnet: CIDR("10.213.3.0/24"))])
        let allocation = try manager.create(spec)
        let container = try FakeContainer()
        defer { container.stop() }
        let attachment = try #require(try manager.attach(endpoint: "web-1", namespace: container.namespace,
                                                         networks: [EndpointRequest(network: spec.name)]).first)
        let host = try RouteNetlink()
        #expect(try host.link(named: allocation.bridge)?.isUp == true)
        #expect(try host.link(named: attachment.hostLink)?.masterIndex == host.link(named: allocation.bridge)?.index)

        try manager.detach(endpoint: "web-1", networks: [spec.name])
        try manager.deleteLinks(project: project)
        try manager.remove(network: spec.name)
        #expect(try host.links().filter { $0.group == allocation.group }.isEmpty)
        #expect(try host.link(named: allocation.bridge) == nil)
        #expect(try manager.ipam.allocation(name: spec.name) == nil)
    }

    @Test func internalNetworkHasNoDefaultRoute() throws {
        let state = temporaryStateRoot()
        defer { try? FileSystem.removeTree(state.path) }
        let project = uniqueName("int")
        let manager = try NetworkManager(stateRoot: state.root)
        defer { try? manager.deleteLinks(project: project) }
        let spec = NetworkSpec(name: "\(project)_private", project: project, isInternal: true,
                               ipam: [IPAMConfig(subnet: CIDR("10.213.4.0/24"))], mtu: 1400)
        try manager.create(spec)
        let container = try FakeContainer()
        defer { container.stop() }
        let attachment = try #require(try manager.attach(endpoint: "db-1", namespace: container.namespace,
                                                         networks: [EndpointRequest(network: spec.name)]).first)
        #expect(attachment.gateways.isEmpty)
        #expect(try container.exec(["ip", "route", "show", "default"]).output.isEmpty)
        #expect(try container.exec(["ip", "-o", "link", "show", "eth0"]).output.contains("mtu 1400"))
    }

    @Test func dualStackNetworkRoutesBothFamilies() throws {
        let state = temporaryStateRoot()
        defer { try? FileSystem.removeTree(state.path) }
        let project = uniqueName("v6")
        let manager = try NetworkManager(stateRoot: state.root)
        defer { try? manager.deleteLinks(project: project) }
        let spec = NetworkSpec(name: "\(project)_default", project: project, enableIPv6: true,
                               ipam: [IPAMConfig(subnet: CIDR("10.213.7.0/24"))])
        try manager.create(spec)
        let container = try FakeContainer()
        defer { container.stop() }
        let attachment = try #require(try manager.attach(endpoint: "web-1", namespace: container.namespace,
                                                         networks: [EndpointRequest(network: spec.name)]).first)
        let v6 = try #require(attachment.addresses.first { !$0.isIPv4 })
        #expect(attachment.gateways.count == 2)
        #expect(try container.exec(["ip", "-6", "addr", "show", "dev", "eth0"]).output.contains(v6.description))
        #expect(try container.exec(["ip", "-6", "route", "show", "default"]).output.contains("via \(attachment.gateways[1])"))
        #expect(try container.exec(["busybox", "ping", "-c1", "-W2", attachment.gateways[1].description]).status == 0)
    }

    @Test func vethPeerByPIDAndHostListings() throws {
        let host = try RouteNetlink()
        let bridge = "swcq\(getpid() % 100_000)"
        try host.createBridge(name: bridge, mtu: 1450)
        defer { try? host.deleteLink(name: bridge) }
        let bridgeIndex = try #require(try host.link(named: bridge)?.index)
        try host.addAddress(CIDR("10.213.8.1/24")!, index: bridgeIndex, name: bridge)
        let container = try FakeContainer()
        defer { container.stop() }
        let hostEnd = NetworkNaming.hostLinkName()
        try host.createVeth(VethRequest(hostName: hostEnd, peerName: "eth3", peerNamespace: .pid(container.pid), masterIndex: bridgeIndex,
                                        mtu: 1450, peerMAC: MACAddress("02:42:0a:d5:08:09")))
        defer { try? host.deleteLink(name: hostEnd) }
        let bridgeLink = try #require(try host.links().first { $0.name == bridge })
        #expect(bridgeLink.kind == "bridge" && bridgeLink.mtu == 1450 && bridgeLink.isUp)
        #expect(try host.link(named: hostEnd)?.kind == "veth")
        #expect(try host.addresses().contains { $0.index == bridgeIndex && $0.address.description == "10.213.8.1/24" })
        #expect(try host.routes().contains { $0.destination.description == "10.213.8.0/24" && $0.outputIndex == bridgeIndex })
        let peer = try container.exec(["ip", "-o", "link", "show", "eth3"]).output
        #expect(peer.contains("02:42:0a:d5:08:09") && peer.contains("mtu 1450"))
    }

    @Test func errorsNameTheOperationAndLink() throws {
        let host = try RouteNetlink()
        let name = "swce\(getpid() % 100_000)"
        try host.createBridge(name: name)
        defer { try? host.deleteLink(name: name) }
        #expect(throws: Errno(EEXIST, call: "")) { try host.createBridge(name: name) }
        do {
            try host.createBridge(name: name)
        } catch {
            #expect(error.description == "create bridge \(name): File exists")
        }
    }
}

@Suite struct NetworkBenchmarkSmokeTests {
    @Test func benchmarkRunsAndCleansUp() throws {
        let result = try NetworkBenchmark.run(containers: 3)
        print(result)
        #expect(result.netlinkMicroseconds > 0 && result.ipCommandMicroseconds > result.netlinkMicroseconds)
        #expect(try RouteNetlink().links().filter { $0.name.hasPrefix("swc") && $0.group == NetworkNaming.linkGroup(project: "bench\(getpid())") }.isEmpty)
    }
}
