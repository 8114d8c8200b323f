import FoundationEssentials
import Glibc
import Linux
import NetAddress

/// Address management. A network's subnets persist under `StateRoot.networks` (one JSON file per network,
/// written atomically with fsync). Container addresses live under `StateRoot.run`: containers do not
/// survive a reboot, so neither do their addresses, and on tmpfs an assignment costs no fsync (6–7 ms
/// each on a virtual disk). Every read-modify-write holds an flock on `.lock`, so parallel `up`s never
/// hand out one subnet or address twice.
public struct IPAM: Sendable {
    public let directory: String
    public let endpointDirectory: String

    public init(stateRoot: StateRoot) {
        directory = stateRoot.networks
        endpointDirectory = stateRoot.run + "/networks"
    }

    private func path(for network: String) -> String {
        "\(directory)/\(NetworkNaming.bridgeName(network: network)).json"
    }

    private func endpointPath(for allocation: NetworkAllocation) -> String {
        "\(endpointDirectory)/\(allocation.bridge).json"
    }

    /// Addresses per subnet, parallel to `NetworkAllocation.subnets`.
    private struct EndpointTable: Codable {
        var assigned: [[String: IPAddress]]
    }

    /// Reserves subnets for `spec` (or returns its existing record). Default-pool subnets avoid every other
    /// allocation and `hostSubnets` (the host's routes and addresses); explicit subnets must not overlap
    /// another allocation.
    public func allocateNetwork(_ spec: NetworkSpec, hostSubnets: [CIDR]) throws(NetworkError) -> NetworkAllocation {
        try locked { () throws(NetworkError) in
            if let existing = try load(path(for: spec.name)) { return existing }
            let others = try allAllocations()
            var taken = others.flatMap { $0.subnets.map(\.subnet) }
            var subnets: [SubnetAllocation] = []
            for config in spec.ipam {
                guard let subnet = config.subnet else {
                    throw .invalidConfig(network: spec.name, reason: "ipam.config entries need a subnet")
                }
                if let other = others.first(where: { $0.subnets.contains { $0.subnet.overlaps(subnet) } }) {
                    throw .subnetOverlaps(network: spec.name, subnet: subnet, with: "network \(other.name)")
                }
                subnets.append(try AddressPlanner.subnetAllocation(network: spec.name, subnet: subnet, config: config))
                taken.append(subnet)
            }
            if !subnets.contains(where: \.subnet.isIPv4) {
                guard let free = AddressPlanner.firstFree(in: AddressPlanner.defaultPools, avoiding: taken + hostSubnets) else {
                    throw .poolsExhausted(network: spec.name)
                }
                subnets.insert(try AddressPlanner.subnetAllocation(network: spec.name, subnet: free, config: IPAMConfig()), at: 0)
            }
            if spec.enableIPv6 && !subnets.contains(where: { !$0.subnet.isIPv4 }) {
                guard let ula = AddressPlanner.uniqueLocalSubnet(network: spec.name, avoiding: taken + hostSubnets) else {
                    throw .poolsExhausted(network: spec.name)
                }
                subnets.append(try AddressPlanner.subnetAllocation(network: spec.name, subnet: ula, config: IPAMConfig()))
            }
            let allocation = NetworkAllocation(
                name: spec.name, bridge: NetworkNaming.bridgeName(network: spec.name),
                group: NetworkNaming.linkGroup(project: spec.project), isInternal: spec.isInternal, mtu: spec.mtu, subnets: subnets)
            try saveNetwork(allocation)
            return allocation
        }
    }

    /// One address per subnet of `network` for `endpoint`; `requested` are static addresses
    /// (`ipv4_address`, `ipv6_address`), each applied to the subnet that contains it.
    public func assignAddresses(network: String, endpoint: String, requested: [IPAddress] = []) throws(NetworkError) -> [CIDR] {
        try locked { () throws(NetworkError) in
            guard var allocation = try load(path(for: network)) else { throw .unknownNetwork(network) }
            for wanted in requested where !allocation.subnets.contains(where: { $0.subnet.contains(wanted) }) {
                throw .addressUnavailable(network: network, address: wanted, reason: "no subnet of the network contains it")
            }
            var result: [CIDR] = []
            for index in allocation.subnets.indices {
                let wanted = requested.first { allocation.subnets[index].subnet.contains($0) }
                let address = try AddressPlanner.assign(&allocation.subnets[index], endpoint: endpoint, requested: wanted, network: network)
                result.append(allocation.subnets[index].subnet.with(address: address)!)
            }
            try saveEndpoints(allocation)
            return result
        }
    }

    /// Records `firewall` for `network`; returns the updated allocation.
    func setFirewall(_ firewall: FirewallRecord?, network: String) throws(NetworkError) -> NetworkAllocation {
        try locked { () throws(NetworkError) in
            guard var allocation = try load(path(for: network)) else { throw .unknownNetwork(network) }
            allocation.firewall = firewall
            try saveNetwork(allocation)
            return allocation
        }
    }

    public func releaseAddresses(network: String, endpoint: String) throws(NetworkError) {
        try locked { () throws(NetworkError) in
            guard var allocation = try load(path(for: network)) else { return }
            for index in allocation.subnets.indices { allocation.subnets[index].assigned[endpoint] = nil }
            try saveEndpoints(allocation)
        }
    }

    public func releaseNetwork(name: String) throws(NetworkError) {
        let file = path(for: name)
        let endpoints = "\(endpointDirectory)/\(NetworkNaming.bridgeName(network: name)).json"
        try locked { () throws(NetworkError) in
            try wrapping("release network \(name)") { () throws(Errno) in
                try FileSystem.remove(endpoints)
                try FileSystem.remove(file)
                // A writer killed between its temp file and the rename leaves the temp behind.
                let temps = (try? FileSystem.contents(of: endpointDirectory)) ?? []
                for temp in temps where temp.hasPrefix(NetworkNaming.bridgeName(network: name) + ".json.tmp.") {
                    try FileSystem.remove("\(endpointDirectory)/\(temp)")
                }
            }
        }
    }

    public func allocation(name: String) throws(NetworkError) -> NetworkAllocation? {
        try load(path(for: name))
    }

    public func allocations() throws(NetworkError) -> [NetworkAllocation] {
        try allAllocations()
    }

    private func allAllocations() throws(NetworkError) -> [NetworkAllocation] {
        guard FileSystem.isDirectory(directory) else { return [] }
        let names = try wrapping("list \(directory)") { () throws(Errno) in try FileSystem.contents(of: directory) }
        var result: [NetworkAllocation] = []
        for name in names.sorted() where name.hasPrefix("swc") && name.hasSuffix(".json") {
            if let allocation = try load("\(directory)/\(name)") { result.append(allocation) }
        }
        return result
    }

    private func load(_ file: String) throws(NetworkError) -> NetworkAllocation? {
        guard var allocation = try decode(NetworkAllocation.self, file) else { return nil }
        let table = try decode(EndpointTable.self, endpointPath(for: allocation))
        if let table, table.assigned.count == allocation.subnets.count {
            for index in allocation.subnets.indices { allocation.subnets[index].assigned = table.assigned[index] }
        }
        return allocation
    }

    private func decode<T: Decodable>(_ type: T.Type, _ file: String) throws(NetworkError) -> T? {
        guard FileSystem.exists(file) else { return nil }
        let bytes = try wrapping("read \(file)") { () throws(Errno) in try FileSystem.readFile(file) }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw .state(path: file, reason: "unreadable (\(error)); remove it to forget the network")
        }
    }

    private func encode(_ value: some Encodable, _ file: String) throws(NetworkError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do { return Array(try encoder.encode(value)) } catch { throw .state(path: file, reason: "cannot encode: \(error)") }
    }

    private func saveNetwork(_ allocation: NetworkAllocation) throws(NetworkError) {
        var record = allocation
        for index in record.subnets.indices { record.subnets[index].assigned = [:] }
        let file = path(for: allocation.name)
        let bytes = try encode(record, file)
        try wrapping("write \(file)") { () throws(Errno) in try FileSystem.writeAtomically(file, bytes, mode: 0o600) }
        try saveEndpoints(allocation)
    }

    /// Temp file and rename without fsync: readers never see half a file, and after a crash the
    /// containers these addresses belong to are gone too.
    private func saveEndpoints(_ allocation: NetworkAllocation) throws(NetworkError) {
        let file = endpointPath(for: allocation)
        let bytes = try encode(EndpointTable(assigned: allocation.subnets.map(\.assigned)), file)
        try wrapping("write \(file)") { () throws(Errno) in
            try FileSystem.createDirectory(endpointDirectory, mode: 0o700)
            try FileSystem.writeAtomically(file, bytes, mode: 0o600, durable: false)
        }
    }

    private func locked<T>(_ body: () throws(NetworkError) -> T) throws(NetworkError) -> T {
        let lockPath = "\(directory)/.lock"
        let lock = try wrapping("lock \(lockPath)") { () throws(Errno) -> FileDescriptor in
            try FileSystem.createDirectory(directory, mode: 0o700)
            let fd = try FileDescriptor.open(lockPath, [.readWrite, .create], mode: 0o600)
            do throws(Errno) {
                try retryingInterrupts("flock", lockPath) { flock(fd.rawValue, LOCK_EX) }
            } catch {
                fd.closeQuietly()
                throw error
            }
            return fd
        }
        defer { lock.closeQuietly() }
        return try body()
    }
}
