/// One entry of a container's device access list, as the v1 `devices.allow`/`devices.deny` files spell it
/// ("c 1:3 rwm"). Rules apply in order; a later rule overrides an earlier one for the devices it names.
public struct DeviceRule: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        /// Every device; the kernel ignores numbers and access for it and resets the whole list.
        case all = "a"
        case character = "c"
        case block = "b"
    }

    /// What a process may do with the device node. Raw values are the kernel's BPF_DEVCG_ACC_* bits.
    public struct Access: OptionSet, Codable, Sendable, CustomStringConvertible {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let mknod = Access(rawValue: 1)
        public static let read = Access(rawValue: 2)
        public static let write = Access(rawValue: 4)
        public static let all: Access = [.read, .write, .mknod]

        /// "rwm", "m", ...: the kernel's letters, in its order.
        public var description: String {
            (contains(.read) ? "r" : "") + (contains(.write) ? "w" : "") + (contains(.mknod) ? "m" : "")
        }

        public init?(_ letters: String) {
            var access: Access = []
            for letter in letters {
                switch letter {
                case "r": access.insert(.read)
                case "w": access.insert(.write)
                case "m": access.insert(.mknod)
                default: return nil
                }
            }
            self = access
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let access = Access(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "device access \(text)"))
            }
            self = access
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    public var kind: Kind
    /// nil is the wildcard `*`.
    public var major: UInt32?
    public var minor: UInt32?
    public var access: Access
    public var allow: Bool

    public init(_ kind: Kind, _ major: UInt32?, _ minor: UInt32?, _ access: Access = .all, allow: Bool = true) {
        self.kind = kind
        self.major = major
        self.minor = minor
        self.access = access
        self.allow = allow
    }

    /// "c 1:3 rwm", "b *:* m", "a *:* rwm".
    public var description: String {
        "\(kind.rawValue) \(major.map(String.init) ?? "*"):\(minor.map(String.init) ?? "*") \(access)"
    }

    public static let allowAll = DeviceRule(.all, nil, nil)
    public static let denyAll = DeviceRule(.all, nil, nil, allow: false)

    /// Docker's (runc's) list for an unprivileged container: nothing, except creating any node (mknod
    /// alone opens nothing) and the few devices every container has in /dev, /dev/pts and /dev/net/tun.
    public static let defaults: [DeviceRule] = [
        .denyAll,
        DeviceRule(.character, nil, nil, .mknod),
        DeviceRule(.block, nil, nil, .mknod),
        DeviceRule(.character, 1, 3),  // null
        DeviceRule(.character, 1, 5),  // zero
        DeviceRule(.character, 1, 7),  // full
        DeviceRule(.character, 1, 8),  // random
        DeviceRule(.character, 1, 9),  // urandom
        DeviceRule(.character, 5, 0),  // tty
        DeviceRule(.character, 5, 2),  // ptmx
        DeviceRule(.character, 136, nil),  // pts/*
        DeviceRule(.character, 10, 200),  // net/tun
    ]
}
