import Testing
@testable import Compose

@Suite struct TemplateTests {
    let environment = ["SET": "value", "EMPTY": "", "NAME": "web"]

    func expand(_ text: String) throws -> String {
        let environment = self.environment
        return try Template(lookup: { environment[$0] }).substitute(text)
    }

    @Test func plainAndBracedVariables() throws {
        #expect(try expand("$SET and ${SET}") == "value and value")
        #expect(try expand("${NAME}_1 $NAME-2") == "web_1 web-2")
        #expect(try expand("no variables") == "no variables")
        #expect(try expand("cost: 5$ or $1") == "cost: 5$ or $1")
    }

    @Test func doubleDollarIsALiteralDollar() throws {
        #expect(try expand("$$SET $${SET}") == "$SET ${SET}")
    }

    @Test func defaultsDistinguishUnsetFromEmpty() throws {
        #expect(try expand("${UNSET:-d}|${UNSET-d}") == "d|d")
        #expect(try expand("${EMPTY:-d}|${EMPTY-d}") == "d|")
        #expect(try expand("${SET:-d}|${SET-d}") == "value|value")
    }

    @Test func alternativesApplyWhenSet() throws {
        #expect(try expand("${SET:+alt}|${SET+alt}") == "alt|alt")
        #expect(try expand("${EMPTY:+alt}|${EMPTY+alt}") == "|alt")
        #expect(try expand("${UNSET:+alt}|${UNSET+alt}") == "|")
    }

    @Test func nestedDefaults() throws {
        #expect(try expand("${UNSET:-${ALSO_UNSET:-deep}}") == "deep")
        #expect(try expand("${UNSET:-${NAME}-x}") == "web-x")
        #expect(try expand("${UNSET:-a:${SET}}/path") == "a:value/path")
    }

    @Test func requiredVariables() throws {
        #expect(try expand("${SET:?needed}") == "value")
        #expect(try expand("${EMPTY?needed}") == "")
        #expect(throws: TemplateError.missingRequired(variable: "EMPTY", reason: "needed")) { try expand("${EMPTY:?needed}") }
        #expect(throws: TemplateError.missingRequired(variable: "UNSET", reason: "use ${NAME}")) { try expand("${UNSET?use $${NAME}}") }
        #expect(TemplateError.missingRequired(variable: "X", reason: "").message == "required variable X is missing a value")
    }

    @Test func invalidTemplates() {
        #expect(throws: TemplateError.invalid("${SET")) { try expand("${SET") }
        #expect(throws: TemplateError.invalid("a ${1X}")) { try expand("a ${1X}") }
        #expect(throws: TemplateError.invalid("${SET!x}")) { try expand("${SET!x}") }
    }

    @Test func unsetVariablesAreReported() throws {
        var unset: [String] = []
        let template = Template(lookup: { _ in nil }, unset: { unset.append($0) })
        #expect(try template.substitute("$A ${B} ${C:-x} ${D:+y}") == "  x ")
        #expect(unset == ["A", "B"])
    }
}
