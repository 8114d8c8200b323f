/// Writes the large compose files the `config` benchmark parses, in the shape of shared/peers/gen-big.sh:
/// per service 4 environment variables (one interpolated), one published loopback port, a named volume,
/// depends_on the previous service and one network. Nothing from these files is ever started.
struct ComposeFileGenerator {
    let services: Int
    /// Bytes of an extra PAYLOAD variable per service, to make a large file without a longer chain.
    var payloadBytes = 0
    /// A new depends_on chain starts every this many services: docker-compose 1.29 sorts recursively
    /// and fails on chains near Python's recursion limit (1000).
    var chainLength: Int?

    func text() -> String {
        let width = max(3, String(services).count)
        func name(_ prefix: String, _ index: Int) -> String {
            let digits = String(index)
            return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let payload = String(repeating: "x", count: payloadBytes)
        var out = "# \(services) services (swcompose-bench); parsed only, never started\nservices:\n"
        out.reserveCapacity(services * (400 + payloadBytes))
        for index in 1...services {
            let service = name("svc", index)
            out += """
                  \(service):
                    image: localhost/busybox:test
                    command: ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 & wait"]
                    environment:
                      SVC_INDEX: "\(index)"
                      SVC_NAME: \(service)
                      LOG_LEVEL: ${BIG_LOG_LEVEL:-info}
                      DATA_DIR: /data

                """
            if payloadBytes > 0 { out += "      PAYLOAD: \(payload)\n" }
            out += """
                    ports:
                      - "127.0.0.1:\(20000 + index):8080"
                    volumes:
                      - \(name("data", index)):/data
                    networks: [net]

                """
            if index > 1 && (index - 1) % (chainLength ?? services) != 0 {
                out += "    depends_on:\n      - \(name("svc", index - 1))\n"
            }
        }
        out += "networks:\n  net: {}\nvolumes:\n"
        for index in 1...services { out += "  \(name("data", index)): {}\n" }
        return out
    }
}
