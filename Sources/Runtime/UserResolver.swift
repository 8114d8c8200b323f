import Glibc

/// A user resolved inside the container.
public struct ResolvedUser: Equatable, Sendable {
    public var uid: uid_t
    public var gid: gid_t
    public var additionalGids: [gid_t]
    public var home: String

    public init(uid: uid_t, gid: gid_t, additionalGids: [gid_t], home: String) {
        self.uid = uid
        self.gid = gid
        self.additionalGids = additionalGids
        self.home = home
    }
}

public enum UserResolutionError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownUser(String)
    case unknownGroup(String)
    public var description: String {
        switch self {
        case .unknownUser(let name): "unable to find user \(name): no matching entries in passwd file"
        case .unknownGroup(let name): "unable to find group \(name): no matching entries in group file"
        }
    }
}

/// docker's user resolution against the container's own /etc/passwd and /etc/group text.
public enum UserResolver {
    public static func resolve(
        _ user: String?, additionalGroups: [String], passwd: String, group: String
    ) throws(UserResolutionError) -> ResolvedUser {
        let spec = user ?? ""
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let userPart = parts.first.flatMap { $0.isEmpty ? nil : $0 } ?? "0"
        let groupPart = parts.count > 1 ? parts[1] : nil
        let users = entries(passwd)
        let groups = entries(group)

        var resolved: ResolvedUser
        if let entry = users.first(where: { $0[0] == userPart || (UInt32(userPart) != nil && $0[2] == userPart) }),
           entry.count >= 6, let uid = UInt32(entry[2]), let gid = UInt32(entry[3]) {
            resolved = ResolvedUser(uid: uid, gid: gid, additionalGids: [], home: entry[5])
        } else if let uid = UInt32(userPart) {
            // A numeric uid need not exist in passwd.
            resolved = ResolvedUser(uid: uid, gid: 0, additionalGids: [], home: "/")
        } else {
            throw .unknownUser(userPart)
        }
        if let groupPart, !groupPart.isEmpty { resolved.gid = try gid(groupPart, in: groups) }
        // Supplementary groups from /etc/group only when the user was named (docker does the same).
        if let name = users.first(where: { $0.count > 2 && $0[2] == "\(resolved.uid)" })?[0] {
            for entry in groups where entry.count >= 4 {
                if entry[3].split(separator: ",").contains(where: { $0 == name }), let id = UInt32(entry[2]),
                   id != resolved.gid, !resolved.additionalGids.contains(id) {
                    resolved.additionalGids.append(id)
                }
            }
        }
        for extra in additionalGroups {
            let id = try gid(extra, in: groups)
            if !resolved.additionalGids.contains(id) { resolved.additionalGids.append(id) }
        }
        return resolved
    }

    private static func gid(_ name: String, in groups: [[String]]) throws(UserResolutionError) -> gid_t {
        if let entry = groups.first(where: { $0[0] == name }), entry.count > 2, let id = UInt32(entry[2]) { return id }
        if let id = UInt32(name) { return id }
        throw .unknownGroup(name)
    }

    private static func entries(_ text: String) -> [[String]] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
