import FoundationEssentials

func encode<T: Encodable>(_ value: T) -> [UInt8] {
    Array((try? JSONEncoder().encode(value)) ?? Data())
}
