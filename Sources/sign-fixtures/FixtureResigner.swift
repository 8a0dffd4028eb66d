import CallbackCore
import FixtureSigning
import Foundation

/// Re-signs one fixture file in place: an SES fixture as SNS signs it (below), any other provider's as that provider
/// signs its requests, with the fixtures' test secrets (``ProviderRequestSigner``: a signature header or the
/// signature inside the body; only the header lines and the signed values change).
///
/// Only the values of `SignatureVersion`, `SigningCertURL` and `Signature` in the body change (added before the
/// closing brace when absent); everything else, layout and line endings included, stays byte for byte, because
/// the signature covers the other members exactly as written. A file's `SignatureVersion` is kept when it is `1`
/// or `2`, else set to `1`.
///
/// A fixture may steer this with a comment line:
/// - `# sign-fixtures: corrupt`: signed, then the signature spoiled (an SNS signature's bytes reversed, another
///   provider's as its fixture signer spoils it), so it stays a well-formed signature by the right key that never
///   verifies (the bad-signature fixture), whatever key signs the others;
/// - `# sign-fixtures: skip`: left alone.
///
/// A body that is not an SNS message of a known `Type`, or lacks a signed member, cannot be signed and is skipped
/// with the reason: the gateway answers it 400 before any signature is looked at.
struct FixtureResigner: Sendable {
    let signer: SNSMessageSigner
    let certificateURL: String
    let providers: ProviderRequestSigner

    enum Outcome {
        case signed, unchanged, notSES
        case skipped(String)
        case failed(String)
    }

    func resign(file: String) -> Outcome {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return .failed("cannot read it as UTF-8") }
        let fixture: ReceiptFixture
        do {
            fixture = try ReceiptFixtureParser.parse(text, file: file)
        } catch {
            return .failed("\(error)")
        }
        let directives = text.split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("# sign-fixtures:") }
            .map { $0.dropFirst("# sign-fixtures:".count).trimmingCharacters(in: .whitespaces) }
        if directives.contains("skip") { return .skipped("marked # sign-fixtures: skip") }
        guard fixture.provider == .ses else { return resignProvider(file: file, text: text, fixture: fixture, corrupt: directives.contains("corrupt")) }

        let body: String
        switch signSNS(body: fixture.body, corrupt: directives.contains("corrupt")) {
        case .success(let signed): body = signed
        case .failure(.unsignable(let reason)): return .skipped(reason)
        case .failure(.failed(let reason)): return .failed(reason)
        }
        guard let bodyRange = text.range(of: fixture.body, options: .backwards) else { return .failed("cannot locate the body") }
        let result = text.replacingCharacters(in: bodyRange, with: body)
        guard result != text else { return .unchanged }
        do {
            try result.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            return .failed("cannot write it: \(error)")
        }
        return .signed
    }

    /// Why an SNS body could not be signed.
    enum SNSSigningProblem: Error {
        /// Not an SNS message of a known `Type`, or one without a signed member: the gateway answers it 400 first.
        case unsignable(String)
        /// The key or the body would not do.
        case failed(String)
    }

    /// An SNS message's text signed as SNS signs it: only `SignatureVersion`, `SigningCertURL` and `Signature`
    /// change. `corrupt` reverses the signature's bytes, so it is well formed, by the right key, and never verifies.
    func signSNS(body: String, corrupt: Bool) -> Result<String, SNSSigningProblem> {
        let message: SNSSignedMessage
        let canonical: String
        do {
            message = try SNSSignedMessage.read(Array(body.utf8))
        } catch {
            return .failure(.unsignable(error.problems.joined(separator: "; ")))
        }
        do {
            canonical = try message.canonicalString()
        } catch {
            return .failure(.unsignable(error.description))
        }
        let version = message.signatureVersion.flatMap(SNSSignatureVersion.init(rawValue:)) ?? .sha1WithRSA
        var signature: String
        do {
            signature = try signer.signature(of: canonical, version: version)
        } catch {
            return .failure(.failed("\(error)"))
        }
        if corrupt, let bytes = Data(base64Encoded: signature) {
            signature = Data(bytes.reversed()).base64EncodedString()
        }
        var signed = body
        for (name, value) in [("SignatureVersion", version.rawValue), ("SigningCertURL", certificateURL), ("Signature", signature)] {
            guard let updated = JSONMemberText.setting(name, to: value, in: signed) else {
                return .failure(.failed("\(name) appears more than once, or the body does not end with }"))
            }
            signed = updated
        }
        return .success(signed)
    }

    /// Whether a fixture already carries what signing would give it: a signature that verifies, or for a `corrupt`
    /// one, a signature that does not but would once spoiled back. SendGrid's ECDSA signatures differ each time
    /// they are made, so without this every run would rewrite its fixtures. Judged as at the beginning of time, so
    /// that a fixture signed over an old timestamp on purpose still counts as signed.
    private func isUpToDate(_ request: SignableRequest, of fixture: ReceiptFixture, corrupt: Bool) -> Bool {
        let now = Date.distantPast
        let verifies = providers.verifies(fixture.provider, request, contentType: fixture.contentType, now: now)
        guard corrupt else { return verifies }
        return !verifies && providers.verifies(fixture.provider, providers.spoil(fixture.provider, request), contentType: fixture.contentType, now: now)
    }

    /// Signs a fixture of a provider other than SES: its signature header lines and body as the provider would send
    /// them; `corrupt` spoils the signature afterwards, so that the fixture is refused.
    private func resignProvider(file: String, text: String, fixture: ReceiptFixture, corrupt: Bool) -> Outcome {
        let original = SignableRequest(headers: fixture.headers.map { .init(name: $0.name, value: $0.value) }, body: fixture.body)
        if isUpToDate(original, of: fixture, corrupt: corrupt) { return .unchanged }
        var signed: SignableRequest
        do {
            signed = try providers.sign(fixture.provider, original)
        } catch {
            return .skipped(error.description)
        }
        if corrupt { signed = providers.spoil(fixture.provider, signed) }
        if signed == original { return .unchanged }
        guard let bodyRange = text.range(of: fixture.body, options: .backwards) else { return .failed("cannot locate the body") }
        var result = text.replacingCharacters(in: bodyRange, with: signed.body)
        let newline = text.contains("\r\n") ? "\r\n" : "\n"
        var lines = result.components(separatedBy: newline)
        guard let blank = lines.firstIndex(of: "") else { return .failed("no blank line before the body") }
        let headerLines = lines[..<blank].indices.filter { lines[$0].lowercased().hasPrefix("header:") }
        for index in headerLines.reversed() { lines.remove(at: index) }
        let headerBlank = lines.firstIndex(of: "") ?? blank
        lines.insert(contentsOf: signed.headers.map { "header: \($0.name): \($0.value)" }, at: headerBlank)
        result = lines.joined(separator: newline)
        guard result != text else { return .unchanged }
        do {
            try result.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            return .failed("cannot write it: \(error)")
        }
        return .signed
    }
}
