/// The keys each compose object accepts, by object name (`service`, `build`, `port`, …), as the
/// validator checks them. `schemas/compose.schema.json` names its `$defs` the same way.
public enum AcceptedKeys {
    public static var byObject: [String: [String]] {
        Dictionary(uniqueKeysWithValues: ComposeSchema.all.map { ($0.name, $0.keys) })
    }

    /// Objects that also accept `x-*` extension keys.
    public static var extensible: Set<String> {
        Set(ComposeSchema.all.filter(\.allowsExtensions).map(\.name))
    }
}
