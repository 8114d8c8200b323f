import YAML

/// `ports:` items: `80`, `"8080:80"`, `"127.0.0.1:8081-8082:81-82/udp"`, `"[::1]:80:80"` or the long mapping.
enum PortSyntax {
    static let usage = "must be [host_ip:][published[-end]:]target[-end][/protocol] with ports 1-65535"

    static func normalize(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> [Node] {
        if node.pairs != nil {
            var long = try Normalizer.object(node, ComposeSchema.port, path, context)
            if case .mapping(var pairs) = long.kind {
                if long["mode"] == nil { pairs.insert(Node.Pair(key: .text("mode", at: node.mark), value: .text("ingress", at: node.mark)), at: 0) }
                if long["protocol"] == nil {
                    let at = pairs.firstIndex { ["app_protocol"].contains($0.key.scalar) } ?? pairs.endIndex
                    pairs.insert(Node.Pair(key: .text("protocol", at: node.mark), value: .text("tcp", at: node.mark)), at: at)
                }
                long.kind = .mapping(pairs)
            }
            guard long["target"] != nil else { throw ComposeError(node, path, "port mapping needs a target") }
            return [long]
        }
        guard let text = node.scalar, !node.isNull, node.int != nil || node.style != .plain || !text.isEmpty else {
            throw ComposeError(node, path, "must be a string or number, got \(node.kindName)")
        }
        guard let bindings = parse(text) else {
            throw ComposeError(node, path, "invalid port \"\(text)\": \(usage)")
        }
        return bindings.map { $0.node(at: node.mark) }
    }

    struct Binding: Equatable {
        var hostIP: String
        var published: String
        var target: Int
        var proto: String

        /// The long form compose prints for one binding.
        func node(at mark: Mark) -> Node {
            var pairs: [(String, Node)] = [("mode", .text("ingress", at: mark))]
            if !hostIP.isEmpty { pairs.append(("host_ip", .text(hostIP, at: mark))) }
            pairs.append(("target", .integer(target, at: mark)))
            if !published.isEmpty { pairs.append(("published", .text(published, at: mark))) }
            pairs.append(("protocol", .text(proto, at: mark)))
            return .map(pairs, at: mark)
        }
    }

    static func parse(_ spec: String) -> [Binding]? {
        var rest = Substring(spec)
        var proto = "tcp"
        if let slash = rest.lastIndex(of: "/") {
            proto = rest[rest.index(after: slash)...].lowercased()
            rest = rest[..<slash]
            guard ["tcp", "udp", "sctp"].contains(proto) else { return nil }
        }
        var hostIP = ""
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            hostIP = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            rest = rest.dropFirst()
        }
        var parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let targetText = parts.popLast() else { return nil }
        var publishedText = parts.popLast() ?? ""
        if hostIP.isEmpty { hostIP = parts.joined(separator: ":") } else if !parts.isEmpty { return nil }
        if publishedText.isEmpty && !parts.isEmpty && hostIP.isEmpty { return nil }
        guard let targets = range(targetText) else { return nil }
        if publishedText.isEmpty {
            return ports(in: targets).map { Binding(hostIP: hostIP, published: "", target: $0, proto: proto) }.sortedLikeDocker()
        }
        guard let published = range(publishedText) else { return nil }
        let targetCount = targets.upperBound - targets.lowerBound
        let publishedCount = published.upperBound - published.lowerBound
        if targetCount == 0 {
            if publishedCount == 0 { publishedText = String(published.lowerBound) }
            return [Binding(hostIP: hostIP, published: publishedText, target: targets.lowerBound, proto: proto)]
        }
        guard targetCount == publishedCount else { return nil }
        return ports(in: targets).map {
            Binding(hostIP: hostIP, published: String(published.lowerBound + $0 - targets.lowerBound), target: $0, proto: proto)
        }.sortedLikeDocker()
    }

    private static func ports(in range: ClosedRange<Int>) -> [Int] { Array(range) }

    private static func range(_ text: String) -> ClosedRange<Int>? {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count <= 2, let low = Int(bounds[0]), (0...65535).contains(low) else { return nil }
        let high = bounds.count == 2 ? Int(bounds[1]) : low
        guard let high, high >= low, high <= 65535 else { return nil }
        return low...high
    }
}

private extension Array where Element == PortSyntax.Binding {
    /// docker's port parser returns bindings ordered by the text of `port/proto`.
    func sortedLikeDocker() -> [Element] { sorted { "\($0.target)/\($0.proto)" < "\($1.target)/\($1.proto)" } }
}
