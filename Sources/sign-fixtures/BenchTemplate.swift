import CallbackCore
import Foundation

/// One line of `scripts/bench.d/bodies.tsv`: how one provider's delivery receipt for row `{ROW}` of the benchmark
/// looks before it is signed. `scripts/bench` reads the same lines for the seeding and the pgbench ceiling, so the
/// columns it alone needs (lookup, reference, token, raw status, detail) are carried but not read here.
struct BenchTemplate: Sendable {
    let provider: Provider
    let contentType: String
    let path: String
    /// Headers besides `Content-Type` that the provider sends and no signer adds (`x-amz-sns-message-type`).
    let headers: [SignableRequest.Header]
    let body: String

    /// The columns, tab-separated, in this order.
    static let columns = ["provider", "content-type", "path", "lookup", "reference", "token", "raw-status", "detail", "headers", "body"]

    /// The request for notification row `row`: `{ROW}` replaced by the row, zero-padded to 12 digits.
    func request(row: Int) -> SignableRequest {
        let padded = String(repeating: "0", count: max(0, 12 - String(row).count)) + String(row)
        return SignableRequest(
            headers: headers.map { .init(name: $0.name, value: $0.value.replacingOccurrences(of: "{ROW}", with: padded)) },
            body: body.replacingOccurrences(of: "{ROW}", with: padded)
        )
    }

    /// The templates of a `bodies.tsv`, in file order (row `n` of the benchmark is the provider of line `n mod count`);
    /// every provider of the registry must have one.
    static func read(_ text: String, file: String) throws(UsageError) -> [BenchTemplate] {
        var templates: [BenchTemplate] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == columns.count else {
                throw UsageError("\(file):\(number + 1): \(fields.count) columns, not \(columns.count) (\(columns.joined(separator: ", ")))")
            }
            guard let unit = ProviderRegistry.unit(named: fields[0]) else {
                throw UsageError("\(file):\(number + 1): \"\(fields[0])\" is not a provider; give one of \(ProviderRegistry.names)")
            }
            var headers: [SignableRequest.Header] = []
            if fields[8] != "-" {
                for header in fields[8].split(separator: ";") {
                    guard let colon = header.firstIndex(of: ":") else {
                        throw UsageError("\(file):\(number + 1): header \"\(header)\" is not `Name: value`")
                    }
                    headers.append(.init(name: header[..<colon].trimmingCharacters(in: .whitespaces), value: header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
                }
            }
            templates.append(BenchTemplate(provider: unit.provider, contentType: fields[1], path: fields[2], headers: headers, body: fields[9]))
        }
        let missing = ProviderRegistry.units.map(\.provider).filter { provider in !templates.contains { $0.provider == provider } }
        guard missing.isEmpty else {
            throw UsageError("\(file) has no line for \(missing.map(\.rawValue).joined(separator: ", ")): the benchmark's mix covers every provider")
        }
        return templates
    }
}
