import Testing

@testable import Builder

@Suite struct DockerfileParserTests {
    func parse(_ text: String) throws -> Dockerfile { try DockerfileParser.parse(text, path: "Dockerfile") }

    @Test func stagesCommentsAndContinuations() throws {
        let file = try parse("""
            ARG BASE=busybox
            # a comment
            FROM $BASE AS build
            RUN echo one \\
              # comment inside a continuation
                && echo two

            FROM scratch
            COPY --from=build --chown=1:2 /a /b
            """)
        #expect(file.globalArgs.map(\.text) == ["ARG BASE=busybox"])
        #expect(file.stages.count == 2)
        #expect(file.stages[0].name == "build")
        #expect(file.stages[0].from.line == 3)
        let run = file.stages[0].instructions[0]
        #expect(run.line == 4)
        #expect(run.arguments == .shell("echo one     && echo two"))
        let copy = file.stages[1].instructions[0]
        #expect(copy.flags == ["from": "build", "chown": "1:2"])
        #expect(copy.arguments == .shell("/a /b"))
    }

    @Test func execAndShellForms() throws {
        let file = try parse("""
            FROM x
            CMD ["sh", "-c", "echo hi"]
            ENTRYPOINT echo [not json
            SHELL ["/bin/bash", "-c"]
            HEALTHCHECK --interval=5s --retries=3 CMD ["true"]
            """)
        let instructions = file.stages[0].instructions
        #expect(instructions[0].arguments == .exec(["sh", "-c", "echo hi"]))
        #expect(instructions[1].arguments == .shell("echo [not json"))
        #expect(instructions[2].arguments == .exec(["/bin/bash", "-c"]))
        #expect(instructions[3].flags == ["interval": "5s", "retries": "3"])
        #expect(instructions[3].arguments == .shell("CMD [\"true\"]"))
    }

    @Test func escapeDirective() throws {
        let file = try parse("# escape=`\nFROM x\nRUN dir c:\\ `\n  && echo done\n")
        #expect(file.escape == "`")
        #expect(file.stages[0].instructions[0].arguments == .shell("dir c:\\   && echo done"))
    }

    @Test func errorsNameFileLineAndInstruction() {
        #expect(throws: DockerfileError(path: "Dockerfile", line: 2, instruction: "FORM", message: "unknown instruction")) {
            try parse("FROM x\nFORM y\n")
        }
        #expect(throws: DockerfileError(path: "Dockerfile", line: 1, instruction: "RUN", message: "comes before the first FROM (only ARG may)")) {
            try parse("RUN true\n")
        }
        #expect(throws: DockerfileError(path: "Dockerfile", line: 2, instruction: "SHELL", message: "expects a JSON array such as [\"/bin/sh\", \"-c\"]")) {
            try parse("FROM x\nSHELL /bin/sh -c\n")
        }
        #expect(throws: DockerfileError(path: "Dockerfile", line: 2, instruction: "RUN", message: "needs at least one argument")) {
            try parse("FROM x\nRUN   \n")
        }
        #expect((try? parse("# only a comment\n")) == nil)
        #expect(DockerfileError(path: "/ctx/Dockerfile", line: 0, instruction: "", message: "no FROM").description == "/ctx/Dockerfile: no FROM")
        let error = DockerfileError(path: "/ctx/Dockerfile", line: 7, instruction: "COPY", message: "x: not found")
        #expect(error.description == "/ctx/Dockerfile:7: COPY: x: not found")
    }
}

@Suite struct WordExpanderTests {
    let expander = WordExpander(variables: ["A": "1", "EMPTY": "", "SPACE": "a b"])

    @Test func substitutions() throws {
        #expect(try expander.word("$A ${A} x${A}y") == "1 1 x1y")
        #expect(try expander.word("${MISSING:-d} ${EMPTY:-d} ${EMPTY-d} ${A:-d}") == "d d  1")
        #expect(try expander.word("${A:+set} ${EMPTY:+set} ${EMPTY+set} ${MISSING+set}") == "set  set ")
        #expect(try expander.word("${MISSING:-${A}}") == "1")
        #expect(try expander.word("$ \\$A '$A' \"$A\"") == "$ $A $A 1")
    }

    @Test func wordsSplitOnlyOutsideQuotes() throws {
        #expect(try expander.words("a=\"x y\" b='$A' c=$SPACE") == ["a=x y", "b=$A", "c=a b"])
        #expect(try expander.words("  one\\ two  three ") == ["one two", "three"])
    }

    @Test func malformed() {
        #expect(throws: WordExpander.Failure.unterminatedQuote) { try expander.words("\"open") }
        #expect(throws: WordExpander.Failure.badSubstitution("${A")) { try expander.word("${A") }
        #expect(throws: WordExpander.Failure.badSubstitution("${A:?x}")) { try expander.word("${A:?x}") }
    }

    @Test func goDurations() {
        #expect(GoDuration.nanoseconds("30s") == 30_000_000_000)
        #expect(GoDuration.nanoseconds("1m30s") == 90_000_000_000)
        #expect(GoDuration.nanoseconds("500ms") == 500_000_000)
        #expect(GoDuration.nanoseconds("5x") == nil)
    }

    @Test func dockerIgnore() {
        let ignore = DockerIgnore("# c\nnode_modules\n*.log\n!keep.log\n**/tmp\n./build/\n")
        #expect(ignore.excludes("node_modules/x/y"))
        #expect(ignore.excludes("a.log"))
        #expect(!ignore.excludes("keep.log"))
        #expect(ignore.excludes("a/b/tmp"))
        #expect(ignore.excludes("build/out"))
        #expect(!ignore.excludes("src/a.log"))
        #expect(!ignore.excludes("app.txt"))
    }
}
