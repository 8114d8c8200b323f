import Cgroups
import Linux

/// A `devices:` entry whose host path is not a usable device node.
public enum DeviceAccessError: Error, Sendable, CustomStringConvertible {
    case unreadable(path: String, Errno)
    case notADevice(path: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let error): "device \(path): \(error.message)"
        case .notADevice(let path): "device \(path) is not a character or block device node"
        }
    }
}

extension DeviceSpec {
    /// A `devices:` entry as the container gets it: a host directory (`/dev/snd`) stands for every device node
    /// under it, each at the same place under the container path, as in docker.
    public static func expanding(hostPath: String, containerPath: String) -> [DeviceSpec] {
        guard FileSystem.isDirectory(hostPath) else { return [DeviceSpec(hostPath: hostPath, containerPath: containerPath)] }
        return HostDevice.list(under: hostPath).map {
            DeviceSpec(hostPath: hostPath + "/" + $0.path, containerPath: containerPath + "/" + $0.path)
        }
    }
}

extension ContainerSpec {
    /// The devices cgroup rules this container gets: every device when privileged, otherwise docker's
    /// defaults plus read, write and mknod on each `devices` entry's host node (type and numbers read now).
    public func deviceRules() throws(DeviceAccessError) -> [DeviceRule] {
        if privileged { return [.allowAll] }
        var rules = DeviceRule.defaults
        for device in devices {
            let node: (isBlock: Bool, major: UInt32, minor: UInt32)?
            do { node = try Device.node(at: device.hostPath) } catch { throw .unreadable(path: device.hostPath, error) }
            guard let node else { throw .notADevice(path: device.hostPath) }
            rules.append(DeviceRule(node.isBlock ? .block : .character, node.major, node.minor))
        }
        return rules
    }

    /// Fixes the rules in `limits` unless already there (a spec stored before rules existed gets them now).
    public mutating func resolveDeviceRules() throws(DeviceAccessError) {
        if limits.devices == nil { limits.devices = try deviceRules() }
    }
}
