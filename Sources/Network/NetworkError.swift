import Linux
import NetAddress

/// What went wrong while setting up networks, with the context a user needs to fix it.
public enum NetworkError: Error, Sendable, CustomStringConvertible {
    case poolsExhausted(network: String)
    case invalidConfig(network: String, reason: String)
    case subnetOverlaps(network: String, subnet: CIDR, with: String)
    case addressUnavailable(network: String, address: IPAddress, reason: String)
    case subnetFull(network: String, subnet: CIDR)
    case unknownNetwork(String)
    case system(context: String, Errno)
    case state(path: String, reason: String)
    case settings(path: String, reason: String)

    public var description: String {
        switch self {
        case .poolsExhausted(let network):
            "network \(network): no free subnet left in the default address pools; set ipam.config.subnet"
        case .invalidConfig(let network, let reason):
            "network \(network): \(reason)"
        case .subnetOverlaps(let network, let subnet, let other):
            "network \(network): subnet \(subnet) overlaps \(other)"
        case .addressUnavailable(let network, let address, let reason):
            "network \(network): address \(address) is unavailable: \(reason)"
        case .subnetFull(let network, let subnet):
            "network \(network): no free address left in \(subnet)"
        case .unknownNetwork(let name):
            "network \(name) does not exist"
        case .system(let context, let errno):
            "\(context): \(errno)"
        case .state(let path, let reason):
            "network state \(path): \(reason)"
        case .settings(let path, let reason):
            "settings file \(path): \(reason)"
        }
    }
}

/// Runs `body`, wrapping a failing system call with `context` ("attach web-1 to proj_default").
func wrapping<T>(_ context: @autoclosure () -> String, _ body: () throws(Errno) -> T) throws(NetworkError) -> T {
    do { return try body() } catch { throw .system(context: context(), error) }
}
