import CallbackCore
import COpenSSL
import Foundation

/// Signs SNS messages the way Amazon SNS does: RSA PKCS#1 v1.5 over the message's canonical string
/// (``SNSCanonicalString``), SHA-1 for `SignatureVersion` 1 and SHA-256 for 2, base64-encoded.
public struct SNSMessageSigner: Sendable {
    private let privateKeyPEM: String

    /// A signer with this PEM private key; the key is read (and checked) on every signature, which is plenty fast
    /// for fixtures and tests.
    public init(privateKeyPEM: String) {
        self.privateKeyPEM = privateKeyPEM
    }

    /// The base64 signature of `text`.
    public func signature(of text: String, version: SNSSignatureVersion) throws(SigningError) -> String {
        let key: OpaquePointer = try MemoryBIO.reading(privateKeyPEM) { bio throws(SigningError) in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw SigningError("cannot read the private key") }
            return key
        }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw SigningError("cannot allocate a digest context") }
        defer { EVP_MD_CTX_free(context) }
        let digest = version == .sha1WithRSA ? EVP_sha1() : EVP_sha256()
        guard EVP_DigestSignInit(context, nil, digest, nil, key) == 1 else { throw SigningError("cannot start signing") }
        let message = Array(text.utf8)
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else { throw SigningError("cannot size the signature") }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else { throw SigningError("cannot sign") }
        return Data(signature.prefix(length)).base64EncodedString()
    }

    /// `members` (an SNS message's string members, `Type` included) with `SignatureVersion`, `SigningCertURL` and
    /// a `Signature` over the rest set, as SNS would post them.
    public func sign(
        _ members: [String: String], version: SNSSignatureVersion = .sha1WithRSA, certificateURL: String
    ) throws(SigningError) -> [String: String] {
        let text: String
        do {
            text = try SNSCanonicalString.build(members)
        } catch {
            throw SigningError("cannot sign this message: \(error)")
        }
        var signed = members
        signed["SignatureVersion"] = version.rawValue
        signed["SigningCertURL"] = certificateURL
        signed["Signature"] = try signature(of: text, version: version)
        return signed
    }
}
