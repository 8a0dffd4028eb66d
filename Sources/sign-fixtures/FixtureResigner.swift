import CallbackCore
import FixtureSigning
import Foundation

/// Re-signs one SES fixture file in place.
///
/// Only the values of `SignatureVersion`, `SigningCertURL` and `Signature` in the body change (added before the
/// closing brace when absent); everything else, layout and line endings included, stays byte for byte, because
/// the signature covers the other members exactly as written. A file's `SignatureVersion` is kept when it is `1`
/// or `2`, else set to `1`.
///
/// A fixture may steer this with a comment line:
/// - `# sign-fixtures: corrupt`: signed, then the signature's bytes reversed, so it stays a well-formed signature
///   by the right key that never verifies (the bad-signature fixture), whatever key signs the others;
/// - `# sign-fixtures: skip`: left alone.
///
/// A body that is not an SNS message of a known `Type`, or lacks a signed member, cannot be signed and is skipped
/// with the reason: the gateway answers it 400 before any signature is looked at.
struct FixtureResigner {
    let signer: SNSMessageSigner
    let certificateURL: String

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
        guard fixture.provider == .ses else { return .notSES }
        let directives = text.split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("# sign-fixtures:") }
            .map { $0.dropFirst("# sign-fixtures:".count).trimmingCharacters(in: .whitespaces) }
        if directives.contains("skip") { return .skipped("marked # sign-fixtures: skip") }

        let message: SNSSignedMessage
        let canonical: String
        do {
            message = try SNSSignedMessage.read(Array(fixture.body.utf8))
        } catch {
            return .skipped(error.problems.joined(separator: "; "))
        }
        do {
            canonical = try message.canonicalString()
        } catch {
            return .skipped(error.description)
        }
        let version = message.signatureVersion.flatMap(SNSSignatureVersion.init(rawValue:)) ?? .sha1WithRSA
        var signature: String
        do {
            signature = try signer.signature(of: canonical, version: version)
        } catch {
            return .failed("\(error)")
        }
        if directives.contains("corrupt"), let bytes = Data(base64Encoded: signature) {
            signature = Data(bytes.reversed()).base64EncodedString()
        }
        guard let bodyRange = text.range(of: fixture.body, options: .backwards) else { return .failed("cannot locate the body") }
        var body = fixture.body
        for (name, value) in [("SignatureVersion", version.rawValue), ("SigningCertURL", certificateURL), ("Signature", signature)] {
            guard let updated = JSONMemberText.setting(name, to: value, in: body) else {
                return .failed("\(name) appears more than once, or the body does not end with }")
            }
            body = updated
        }
        let result = text.replacingCharacters(in: bodyRange, with: body)
        guard result != text else { return .unchanged }
        do {
            try result.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            return .failed("cannot write it: \(error)")
        }
        return .signed
    }
}
