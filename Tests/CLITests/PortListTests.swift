import Testing
@testable import CLI

@Suite struct PortListTests {
    func published(_ ip: String, _ host: UInt16, _ container: UInt16, _ transport: String = "tcp") -> ListedPort {
        ListedPort(hostIP: ip, hostPort: host, containerPort: container, transport: transport)
    }

    @Test func exposedEntriesExpandRangesAndDefaultToTCP() {
        #expect(ListedPort.exposed("80") == [published("", 0, 80)])
        #expect(ListedPort.exposed("53/udp") == [published("", 0, 53, "udp")])
        #expect(ListedPort.exposed("8000-8002/tcp").map(\.containerPort) == [8000, 8001, 8002])
        #expect(ListedPort.exposed("x/tcp").isEmpty)
    }

    @Test func publishedOnBothFamiliesThenExposed() {
        let ports = [published("::", 8080, 80), published("", 0, 443), published("0.0.0.0", 8080, 80)]
        #expect(PortList.text(ports) == "443/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp")
    }

    @Test func consecutivePortsKeepingTheirNumberMergeIntoRanges() {
        let ports = [published("", 0, 81), published("", 0, 80), published("", 0, 83), published("", 0, 53, "udp"),
                     published("0.0.0.0", 9000, 9000), published("0.0.0.0", 9001, 9001)]
        #expect(PortList.text(ports) == "80-81/tcp, 53/udp, 83/tcp, 0.0.0.0:9000-9001->9000-9001/tcp")
    }

    @Test func emptyListIsEmptyText() {
        #expect(PortList.text([]).isEmpty)
    }
}
