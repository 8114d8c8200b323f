import FoundationEssentials
import Linux

public enum NameTableError: Error, CustomStringConvertible {
    case invalidComponent(what: String, value: String)
    case invalidAddress(container: String, family: String, count: Int)
    case io(String, Errno)
    case encode(container: String, message: String)

    public var description: String {
        switch self {
        case .invalidComponent(let what, let value):
            "DNS name table: \(what) '\(value)' cannot be a file name (empty, '.', '..', leading dot or '/')"
        case .invalidAddress(let container, let family, let count):
            "DNS record for \(container): \(family) address has \(count) bytes"
        case .io(let what, let errno): "DNS name table: \(what): \(errno)"
        case .encode(let container, let message): "DNS record for \(container): \(message)"
        }
    }
}

/// The writer side of the per-network name table: `<directory>/<network>/<containerId>.json`.
/// Files are replaced atomically, so readers in other processes never see half a record.
public struct NameTable: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func register(_ record: DNSRecord) throws(NameTableError) {
        try Self.checkComponent("network", record.network)
        try Self.checkComponent("container id", record.containerId)
        if let ipv4 = record.ipv4, ipv4.count != 4 {
            throw .invalidAddress(container: record.containerId, family: "IPv4", count: ipv4.count)
        }
        if let ipv6 = record.ipv6, ipv6.count != 16 {
            throw .invalidAddress(container: record.containerId, family: "IPv6", count: ipv6.count)
        }
        let json: [UInt8]
        do {
            json = Array(try JSONEncoder().encode(record))
        } catch {
            throw .encode(container: record.containerId, message: "\(error)")
        }
        let networkDirectory = "\(directory)/\(record.network)"
        do {
            try FileSystem.createDirectory(networkDirectory)
            // The run directory does not survive a reboot: no fsync.
            try FileSystem.writeAtomically(path(network: record.network, containerId: record.containerId), json, durable: false)
        } catch {
            throw .io("register \(record.containerId) on \(record.network)", error)
        }
    }

    /// Removes the container's record from one network; a missing record is not an error.
    public func unregister(network: String, containerId: String) throws(NameTableError) {
        try Self.checkComponent("network", network)
        try Self.checkComponent("container id", containerId)
        do {
            try FileSystem.remove(path(network: network, containerId: containerId))
        } catch {
            throw .io("unregister \(containerId) from \(network)", error)
        }
    }

    /// Removes the container's records from every network.
    public func unregister(containerId: String) throws(NameTableError) {
        for network in networks() { try unregister(network: network, containerId: containerId) }
    }

    /// Removes a network's directory once the network itself is gone.
    public func removeNetwork(_ network: String) throws(NameTableError) {
        try Self.checkComponent("network", network)
        do {
            try FileSystem.removeTree("\(directory)/\(network)")
        } catch {
            throw .io("remove network \(network)", error)
        }
    }

    func networks() -> [String] {
        ((try? FileSystem.contents(of: directory)) ?? []).filter { !$0.hasPrefix(".") }
    }

    func path(network: String, containerId: String) -> String { "\(directory)/\(network)/\(containerId).json" }

    static func checkComponent(_ what: String, _ value: String) throws(NameTableError) {
        if value.isEmpty || value.hasPrefix(".") || value.contains("/") || value.utf8.count > 200 {
            throw .invalidComponent(what: what, value: value)
        }
    }
}
