import Compose
import Testing
import YAML

/// `schemas/compose.schema.json` and the model's key tables must agree object by object.
@Suite struct SchemaTests {
    static func schema() throws -> Node {
        let file = #filePath
        let repo = file[..<file.range(of: "/Tests/ComposeTests/", options: .backwards)!.lowerBound]
        let text = try #require(Fixture.read(repo + "/schemas/compose.schema.json"))
        return try #require(try YAMLParser.parse(text, file: "compose.schema.json"))
    }

    @Test func everyObjectHasTheModelsKeys() throws {
        let defs = try #require(try Self.schema()["$defs"])
        for (object, keys) in AcceptedKeys.byObject {
            let definition = try #require(defs[object.replacingAll(" ", with: "_")], "schema lacks $defs/\(object)")
            let properties = definition["properties"]?.pairs?.compactMap(\.key.scalar) ?? []
            #expect(Set(properties) == Set(keys), "\(object): schema-only \(Set(properties).subtracting(keys).sorted()), model-only \(Set(keys).subtracting(properties).sorted())")
            #expect(definition["additionalProperties"]?.bool == false, "\(object) must reject unknown keys")
            #expect((definition["patternProperties"]?["^x-"] != nil) == AcceptedKeys.extensible.contains(object), "\(object): x-* extensions")
        }
    }

    @Test func schemaHasNoObjectTheModelLacks() throws {
        let defs = try #require(try Self.schema()["$defs"]?.pairs?.compactMap(\.key.scalar))
        let objects = Set(AcceptedKeys.byObject.keys.map { $0.replacingAll(" ", with: "_") })
        #expect(Set(defs) == objects)
        #expect(try Self.schema()["$ref"]?.scalar == "#/$defs/project")
    }
}
