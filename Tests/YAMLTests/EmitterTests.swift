import Testing
@testable import YAML

@Suite struct EmitterTests {
    func string(_ text: String) -> Node { .string(text) }
    func plain(_ text: String) -> Node { Node(.scalar(text, .plain)) }

    @Test func blockLayoutLikeDockerCompose() {
        let tree = Node.mapping([
            ("name", string("demo")),
            ("services", .mapping([
                ("web", .mapping([
                    ("command", Node(.sequence([string("nginx"), string("-g"), string("daemon off;")]))),
                    ("ports", Node(.sequence([.mapping([("target", plain("80")), ("published", string("8080"))])]))),
                    ("networks", .mapping([("default", plain("null"))])),
                    ("volume", .mapping([])),
                    ("tags", Node(.sequence([]))),
                ])),
            ])),
        ])
        #expect(YAMLEmitter.emit(tree) == """
        name: demo
        services:
          web:
            command:
              - nginx
              - -g
              - daemon off;
            ports:
              - target: 80
                published: "8080"
            networks:
              default: null
            volume: {}
            tags: []

        """)
    }

    @Test func quotesStringsThatWouldReadBackAsSomethingElse() {
        for text in ["1", "0400", "1.5", "true", "y", "No", "off", "null", "~", "", " x", "a: b", "x #c", "- a", "*x", "&a", "!t", "@x", "%x", "'q", "\"q", "{a}", "[a]", "a:", "0x1F", "1e3", ".inf"] {
            #expect(YAMLEmitter.needsQuotes(text), "\(text) should be quoted")
        }
        for text in ["nginx", "-g", "1000:1000", "90-91", "host=::1", "a b", "http://x:80/y", "no-new-privileges:true", "x", "/run"] {
            #expect(!YAMLEmitter.needsQuotes(text), "\(text) should stay plain")
        }
        #expect(YAMLEmitter.emit(string("a\"b\\c\td")) == "\"a\\\"b\\\\c\\td\"\n")
    }

    @Test func multilineStringsBecomeLiteralBlocks() {
        let tree = Node.mapping([("content", string("hello\nworld\n")), ("bare", string("a\nb"))])
        #expect(YAMLEmitter.emit(tree) == "content: |\n  hello\n  world\nbare: |-\n  a\n  b\n")
    }

    @Test func emittedTextParsesBackToTheSameValues() throws {
        let tree = Node.mapping([("a", string("yes")), ("b", plain("3")), ("c", Node(.sequence([string("x: y"), string("#z")])))])
        let parsed = try #require(try YAMLParser.parse(YAMLEmitter.emit(tree), file: "t"))
        #expect(parsed["a"]?.scalar == "yes" && parsed["a"]?.bool == nil)
        #expect(parsed["b"]?.int == 3)
        #expect(parsed["c"]?.sequence?.map(\.scalar) == ["x: y", "#z"])
    }
}
