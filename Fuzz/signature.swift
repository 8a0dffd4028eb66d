// Fuzz target: the signature check of one signed provider of ProviderRegistry, named by FUZZ_PROVIDER, configured
// with the fixtures' test secrets (FUZZ_SECRETS: fixtures/keys/providers.env). Built and run by scripts/fuzz, as
// `<provider>-signature`.
//
// An input is a request: header lines (`Name: value`), a blank line, then the body (the seeds are the provider's
// fixtures, signed). Invariants: the check never crashes and gives the same answer twice; a request it accepts is
// one the provider's signer, given the same secrets, signs the same way (for the deterministic schemes), so no
// mutation of a signed request passes unless it leaves what the signature covers intact.
import Foundation

private struct SignatureFuzzer {
    let unit: ProviderUnit
    let authenticator: any RequestAuthenticator
    let secrets: [String: String]

    init() {
        let name = ProcessInfo.processInfo.environment["FUZZ_PROVIDER"] ?? ""
        guard let unit = ProviderRegistry.unit(named: name), case .signature(let scheme) = unit.authenticity else {
            violated("FUZZ_PROVIDER is \"\(name)\", not a provider with a signature")
        }
        let path = ProcessInfo.processInfo.environment["FUZZ_SECRETS"] ?? "fixtures/keys/providers.env"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { violated("cannot read the secrets at \(path)") }
        var secrets: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            secrets[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let authenticator = try? scheme.make(secrets) else { violated("the fixtures' secrets do not configure \(name)") }
        self.unit = unit
        self.authenticator = authenticator
        self.secrets = secrets
    }

    func run(_ input: [UInt8]) {
        let request = Self.request(input)
        let payload = CallbackPayload(
            body: Array(request.body.utf8), contentType: nil,
            headers: Dictionary(request.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        )
        // A day after 2100-01-01, the fixtures' timestamp: recent for the valid seeds, a day and more after any other.
        let now = Date(timeIntervalSince1970: 4_102_444_800 + 3_600)
        let verdict = authenticator.authenticate(payload, now: now)
        require(verdict == authenticator.authenticate(payload, now: now), "\(unit.provider): two answers for one request")
        guard case .authentic = verdict, unit.provider != .sendgrid, let signer = unit.fixtureSigner else { return }
        guard let resigned = try? signer.sign(request, secrets: secrets) else { return }
        let signature = { (request: SignableRequest) in
            request.headers.filter { $0.name.lowercased().contains("signature") }.map { $0.value.lowercased() } + [request.body.lowercased()]
        }
        require(signature(resigned) == signature(request), "\(unit.provider) accepted a request its own signer signs otherwise: \(show(request.body))")
    }

    /// Header lines, a blank line, the body; an input without a blank line is all body, and one that opens with a
    /// blank line (a request without headers, as the seeds of body-signed providers are) has none.
    static func request(_ input: [UInt8]) -> SignableRequest {
        let text = String(decoding: input, as: UTF8.self)
        if text.hasPrefix("\n") { return SignableRequest(headers: [], body: String(text.dropFirst())) }
        guard let blank = text.range(of: "\n\n") else { return SignableRequest(headers: [], body: text) }
        let headers = text[..<blank.lowerBound].split(separator: "\n").compactMap { line -> SignableRequest.Header? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return .init(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return SignableRequest(headers: headers, body: String(text[blank.upperBound...]))
    }
}

private let fuzzer = SignatureFuzzer()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzer.run(bytes(data, size))
    return 0
}
