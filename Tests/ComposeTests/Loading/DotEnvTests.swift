import Testing
@testable import Compose

@Suite struct DotEnvTests {
    func parse(_ text: String, shell: [String: String] = [:]) throws -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in try DotEnvParser(lookup: { shell[$0] }).parse(text) { result[key] = value }
        return result
    }

    @Test func commentsExportAndPlainValues() throws {
        let values = try parse("""
        # a comment
        export A=1
        B = two words   # trailing comment
        C=x#not-a-comment
        D:colon
        E=

        """)
        #expect(values == ["A": "1", "B": "two words", "C": "x#not-a-comment", "D": "colon", "E": ""])
    }

    @Test func quotesAndEscapes() throws {
        let values = try parse(#"""
        SINGLE='raw $A \n'
        DOUBLE="tab\tquote\" dollar\$A"
        MULTI="line one
        line two"
        NEWLINE="a\nb"
        """#, shell: ["A": "shell"])
        #expect(values["SINGLE"] == #"raw $A \n"#)
        #expect(values["DOUBLE"] == "tab\tquote\" dollar$A")
        #expect(values["MULTI"] == "line one\nline two")
        #expect(values["NEWLINE"] == "a\nb")
    }

    @Test func interpolationSeesShellFirstThenEarlierLines() throws {
        let values = try parse("HOST=db\nURL=postgres://${HOST}:${PORT:-5432}\nUSER=${USER}\nUSER_COPY=$USER\n",
                               shell: ["USER": "alice"])
        #expect(values["URL"] == "postgres://db:5432")
        #expect(values["USER_COPY"] == "alice")
    }

    @Test func bareKeyCopiesTheShellValueOrIsSkipped() throws {
        let values = try parse("HOME\nMISSING\nX=1\n", shell: ["HOME": "/root"])
        #expect(values == ["HOME": "/root", "X": "1"])
    }

    @Test func errorsNameTheLine() {
        #expect(throws: DotEnvError(line: 3, message: #"unexpected character "!" in variable name "BAD!=1""#)) {
            try parse("A=1\n\nBAD!=1\n")
        }
        #expect(throws: DotEnvError(line: 2, message: #"unterminated quoted value "open"#)) { try parse("A=1\nB=\"open\n") }
    }

    @Test func rawFormatKeepsTextAsWritten() {
        let values = DotEnvParser.parseRaw("# c\nA=\"quoted\" $B\nC=x=y\n")
        #expect(values.map(\.key) == ["A", "C"])
        #expect(values.map(\.value) == ["\"quoted\" $B", "x=y"])
    }
}
