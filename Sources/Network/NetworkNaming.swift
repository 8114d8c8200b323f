/// Kernel names for a network's objects. Interface names hold at most 15 bytes, so they carry a hash of
/// the full name; the `swc` prefix marks every link swcompose made.
public enum NetworkNaming {
    /// `swc` + 12 hex digits of the network's full name, e.g. "swc3f9a0c1b2d4e".
    public static func bridgeName(network: String) -> String {
        "swc" + hex(fnv1a64(network), digits: 12)
    }

    /// A fresh host-side veth name, `swc` + 12 random hex digits. Random rather than derived from the
    /// container: a removed pair's name comes free only some milliseconds after its namespace dies.
    public static func hostLinkName() -> String {
        var generator = SystemRandomNumberGenerator()
        return "swc" + hex(generator.next(), digits: 12)
    }

    /// The link group holding every link of a project, so `down` deletes them with one request.
    /// Never 0 (the default group of every other link on the host), and below 2^31 because `ip` parses
    /// groups as signed numbers.
    public static func linkGroup(project: String) -> UInt32 {
        let hash = UInt32(truncatingIfNeeded: fnv1a64("swcompose project " + project)) & 0x7fff_ffff
        return hash == 0 ? 1 : hash
    }

    static func fnv1a64(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - text.count)) + text
        return String(padded.suffix(digits))
    }
}
