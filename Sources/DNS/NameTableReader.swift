import FoundationEssentials
import Glibc
import Linux

/// The name table as one consistent picture, indexed for lookups by name and by address.
public struct NameTableSnapshot: Sendable {
    public let records: [DNSRecord]
    private let byName: [String: [Int]]
    private let byAddress: [[UInt8]: [Int]]

    public init(records: [DNSRecord]) {
        let sorted = records.sorted { ($0.network, $0.containerId) < ($1.network, $1.containerId) }
        var byName: [String: [Int]] = [:]
        var byAddress: [[UInt8]: [Int]] = [:]
        for (index, record) in sorted.enumerated() {
            // Names that are no valid DNS name could never be asked for; skip them.
            let keys = Set(record.names.compactMap { try? DNSName($0).key })
            for key in keys { byName[key, default: []].append(index) }
            for address in [record.ipv4, record.ipv6].compactMap({ $0 }) { byAddress[address, default: []].append(index) }
        }
        self.records = sorted
        self.byName = byName
        self.byAddress = byAddress
    }

    public func records(named name: DNSName, on networks: Set<String>) -> [DNSRecord] {
        (byName[name.key] ?? []).map { records[$0] }.filter { networks.contains($0.network) }
    }

    public func records(withAddress address: [UInt8], on networks: Set<String>) -> [DNSRecord] {
        (byAddress[address] ?? []).map { records[$0] }.filter { networks.contains($0.network) }
    }
}

/// Reads the table a `NameTable` writes and reloads it when a directory changes. The check costs one
/// `stat` per network directory per query, so containers come and go without restarting the server.
public final class NameTableReader {
    public let directory: String
    private var stamps: [String: timespec] = [:]
    private var loadedAt = timespec()
    private var cached = NameTableSnapshot(records: [])
    /// Directory timestamps come from a coarse clock: a change this close to a load may share its mtime
    /// with the load, so such a load is not trusted and is repeated on the next query.
    private static let racyWindowNanoseconds = 50_000_000

    public init(directory: String) { self.directory = directory }

    /// The current table, reloaded first if anything under the directory changed.
    public func snapshot() -> NameTableSnapshot {
        if isStale() { reload() }
        return cached
    }

    public func reload() {
        clock_gettime(CLOCK_REALTIME, &loadedAt)
        var stamps: [String: timespec] = [directory: Self.modificationTime(directory)]
        var records: [DNSRecord] = []
        let decoder = JSONDecoder()
        for network in ((try? FileSystem.contents(of: directory)) ?? []) where !network.hasPrefix(".") {
            let networkDirectory = "\(directory)/\(network)"
            stamps[networkDirectory] = Self.modificationTime(networkDirectory)
            for file in ((try? FileSystem.contents(of: networkDirectory)) ?? []) where file.hasSuffix(".json") {
                // A file removed between listing and reading is a container that just left.
                guard let bytes = try? FileSystem.readFile("\(networkDirectory)/\(file)"),
                      var record = try? decoder.decode(DNSRecord.self, from: Data(bytes)) else { continue }
                record.network = network
                records.append(record)
            }
        }
        self.stamps = stamps
        cached = NameTableSnapshot(records: records)
    }

    private func isStale() -> Bool {
        if stamps.isEmpty { return true }
        for (path, stamp) in stamps {
            let now = Self.modificationTime(path)
            if now.tv_sec != stamp.tv_sec || now.tv_nsec != stamp.tv_nsec { return true }
            if Self.nanoseconds(loadedAt) - Self.nanoseconds(now) < Self.racyWindowNanoseconds { return true }
        }
        return false
    }

    private static func modificationTime(_ path: String) -> timespec {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mtim : timespec()
    }

    private static func nanoseconds(_ time: timespec) -> Int { time.tv_sec * 1_000_000_000 + time.tv_nsec }
}
