import CallbackCore
import COpenSSL
import Foundation

/// Signs SNS messages the way Amazon SNS does: RSA PKCS#1 v1.5 over the message's canonical string
/// (``SNSCanonicalString``), SHA-1 for `SignatureVersion` 1 and SHA-256 for 2, base64-encoded.
public struct SNSMessageSigner: Sendable {
    private let key: PrivateKey?

    /// A signer with this PEM private key, read once: reading an RSA key costs several times one signature, and the
    /// benchmark signs tens of thousands of messages. A key that cannot be read makes every signature throw.
    public init(privateKeyPEM: String) {
        key = try? MemoryBIO.reading(privateKeyPEM) { bio throws(SigningError) in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw SigningError("cannot read the private key") }
            return PrivateKey(key)
        }
    }

    /// The base64 signature of `text`.
    public func signature(of text: String, version: SNSSignatureVersion) throws(SigningError) -> String {
        guard let key = key?.pointer else { throw SigningError("cannot read the private key") }
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

/// An OpenSSL private key, freed with its last reference. OpenSSL lets several threads sign with one key at once,
/// each with a digest context of its own.
private final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }
}
