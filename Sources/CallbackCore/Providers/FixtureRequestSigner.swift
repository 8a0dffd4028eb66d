/// Signs a request the way its provider signs it, for fixtures, tests and the benchmark (never the gateway): each
/// signed provider's folder has one, so that what a provider's fixtures look like is part of the provider.
public protocol FixtureRequestSigner: Sendable {
    /// The request signed with `secrets`: the provider's settings (`TWILIO_AUTH_TOKENS`, ...) and, for a provider
    /// that signs with a private key, that key (`SENDGRID_FIXTURE_PRIVATE_KEY`), by name.
    func sign(_ request: SignableRequest, secrets: [String: String]) throws(FixtureSigningProblem) -> SignableRequest

    /// The signed request with its signature spoiled: still well formed and made with the right secret, but never
    /// verifying (the fixtures that must be refused).
    func spoil(_ request: SignableRequest) -> SignableRequest
}

/// A request as a fixture holds it: headers in order, and the body.
public struct SignableRequest: Sendable, Hashable {
    /// The headers, in order.
    public var headers: [Header]
    /// The body.
    public var body: String

    /// A header.
    public struct Header: Sendable, Hashable {
        /// Its name, as written.
        public var name: String
        /// Its value.
        public var value: String

        /// Creates a header.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a request.
    public init(headers: [Header], body: String) {
        self.headers = headers
        self.body = body
    }

    /// The value of the header `name` (any case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The request with header `name` set to `value` (replaced in place, or added last).
    public func setting(header name: String, to value: String) -> SignableRequest {
        var request = self
        if let index = request.headers.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
            request.headers[index].value = value
        } else {
            request.headers.append(Header(name: name, value: value))
        }
        return request
    }

    /// The request with the body's JSON string member `name` (there must be exactly one) set to `value`, every other
    /// byte as it was.
    public func setting(jsonMember name: String, to value: String) throws(FixtureSigningProblem) -> SignableRequest {
        let pattern = try? Regex<(Substring, Substring)>(#"("\#(name)"\s*:\s*)"(?:[^"\\]|\\.)*""#)
        guard let pattern, body.matches(of: pattern).count == 1, let match = body.firstMatch(of: pattern) else {
            throw FixtureSigningProblem("the body must hold exactly one string member \"\(name)\" to sign")
        }
        var request = self
        request.body.replaceSubrange(match.range, with: "\(match.output.1)\"\(value)\"")
        return request
    }

    /// The request with header `name`'s value spoiled: its character a quarter of the way in swapped with its
    /// neighbour in the base64 alphabet (`A`-`B`, `C`-`D`, ...). Spoiling twice gives the value back, so a spoiled
    /// signature can be recognised as one; a quarter of the way in, the changed bits are never padding, and in an
    /// ECDSA signature they fall inside `r`, so the signature stays well formed.
    public func spoiling(header name: String) -> SignableRequest {
        guard let value = header(name), !value.isEmpty else { return self }
        var characters = Array(value)
        let index = characters.count / 4
        characters[index] = Self.swapped(characters[index], in: Self.base64Alphabet)
        return setting(header: name, to: String(characters))
    }

    /// The request with the first hexadecimal digit after the last `marker` in the body swapped with its neighbour
    /// (`0`-`1`, `2`-`3`, ... `e`-`f`): a hexadecimal signature the body carries (`"signature"`, `sig=`), spoiled in
    /// place; spoiling twice gives it back.
    public func spoiling(bodyValueAfter marker: String) -> SignableRequest {
        guard let range = body.range(of: marker, options: .backwards),
              let digit = body[range.upperBound...].firstIndex(where: \.isHexDigit)
        else { return self }
        var request = self
        let alphabet = Array(body[digit].isUppercase ? "0123456789ABCDEF" : "0123456789abcdef")
        request.body.replaceSubrange(digit...digit, with: String(Self.swapped(body[digit], in: alphabet)))
        return request
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// `character`'s neighbour in `alphabet` (positions 2n and 2n+1 swap); a character not in it becomes its first.
    private static func swapped(_ character: Character, in alphabet: [Character]) -> Character {
        guard let position = alphabet.firstIndex(of: character) else { return alphabet[0] }
        return alphabet[position ^ 1]
    }

    /// The request with the form field `name` set to `value` (replaced in place, or appended).
    public func setting(formField name: String, to value: String) -> SignableRequest {
        var pairs = body.split(separator: "&", omittingEmptySubsequences: false).map(String.init)
        if let index = pairs.firstIndex(where: { $0.hasPrefix(name + "=") }) {
            pairs[index] = "\(name)=\(value)"
        } else {
            pairs.append("\(name)=\(value)")
        }
        var request = self
        request.body = pairs.joined(separator: "&")
        return request
    }
}

/// Why a request could not be signed: what is missing or unusable.
public struct FixtureSigningProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    /// Creates a problem.
    public init(_ description: String) {
        self.description = description
    }
}

extension [String: String] {
    /// The first item of a comma-separated setting.
    func firstItem(_ variable: String) throws(FixtureSigningProblem) -> String {
        guard let first = self[variable]?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces), !first.isEmpty else {
            throw FixtureSigningProblem("no \(variable) to sign with")
        }
        return first
    }
}
