import Testing
@testable import YAML

@Suite struct ParserTests {
    func parse(_ text: String) throws -> Node {
        try #require(try YAMLParser.parse(text, file: "compose.yaml"))
    }

    @Test func keepsLineAndColumnOfEveryNode() throws {
        let root = try parse("services:\n  web:\n    image: nginx\n    ports:\n      - 80:80\n")
        let web = try #require(root["services"]?["web"])
        #expect(web.mark == Mark(file: "compose.yaml", line: 3, column: 5))
        let port = try #require(web["ports"]?.sequence?.first)
        #expect(port.mark.line == 5 && port.mark.column == 9)
        #expect(port.scalar == "80:80")
    }

    @Test func quotedAndPlainScalarsStayApart() throws {
        let root = try parse("a: 80:80\nb: '80'\nc: 80\nd: true\ne: \"true\"\nf:\ng: ~\n")
        #expect(root["a"]?.style == .plain && root["a"]?.int == nil)
        #expect(root["b"]?.style == .singleQuoted && root["b"]?.int == nil)
        #expect(root["c"]?.int == 80)
        #expect(root["d"]?.bool == true && root["e"]?.bool == nil)
        #expect(root["f"]?.isNull == true && root["g"]?.isNull == true)
    }

    @Test func resolvesAnchorsAliasesAndMergeKeys() throws {
        let text = """
        x-base: &base
          image: busybox
          environment: {A: "1"}
        services:
          a:
            <<: *base
            image: alpine
          b: *base
        """
        let root = try parse(text)
        let a = try #require(root["services"]?["a"])
        #expect(a["image"]?.scalar == "alpine")
        #expect(a["environment"]?["A"]?.scalar == "1")
        #expect(a.pairs?.map { $0.key.scalar } == ["image", "environment"])
        #expect(root["services"]?["b"]?["image"]?.scalar == "busybox")
    }

    @Test func mergeKeyAcceptsASequenceWithEarlierSourcesWinning() throws {
        let root = try parse("a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n")
        #expect(root["c"]?["x"]?.int == 1)
        #expect(root["c"]?["y"]?.int == 2)
    }

    @Test func keepsResetAndOverrideTags() throws {
        let root = try parse("ports: !reset []\nenvironment: !override\n  A: b\n")
        #expect(root["ports"]?.tag == "!reset")
        #expect(root["environment"]?.tag == "!override")
    }

    @Test func flowAndBlockStylesGiveTheSameTree() throws {
        let block = try parse("a:\n  - 1\n  - x\nb:\n  k: v\n")
        let flow = try parse("{a: [1, x], b: {k: v}}")
        #expect(block["a"]?.sequence?.map(\.scalar) == flow["a"]?.sequence?.map(\.scalar))
        #expect(block["b"]?["k"]?.scalar == flow["b"]?["k"]?.scalar)
    }

    @Test func syntaxErrorNamesFileLineAndColumn() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse("a: [1, 2\nb: c\n", file: "x.yml") }
        #expect(error.mark.file == "x.yml")
        #expect(error.mark.line == 2)
        #expect(error.description.hasPrefix("x.yml:2:"))
    }

    @Test func duplicateKeyIsAnError() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse("a: 1\nb: 2\na: 3\n", file: "f.yml") }
        #expect(error.description == "f.yml:3:1: mapping key 'a' already defined at line 1")
    }

    @Test func unknownAliasIsAnError() throws {
        #expect(throws: YAMLError.self) { try YAMLParser.parse("a: *nope\n", file: "f.yml") }
    }

    @Test func emptyInputHasNoDocument() throws {
        #expect(try YAMLParser.parse("", file: "f.yml") == nil)
        #expect(try YAMLParser.parseDocuments(Array("a: 1\n---\nb: 2\n".utf8), file: "f.yml").count == 2)
    }
}
