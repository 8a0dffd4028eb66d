/// The signature schemes SNS uses, by their `SignatureVersion` value. Any other value is refused: a verifier that
/// guessed would let an attacker pick a weaker scheme.
public enum SNSSignatureVersion: String, Sendable, Hashable, CaseIterable {
    /// `1`: RSA PKCS#1 v1.5 over a SHA-1 digest (SHA1withRSA), SNS's default.
    case sha1WithRSA = "1"
    /// `2`: RSA PKCS#1 v1.5 over a SHA-256 digest (SHA256withRSA), chosen per topic.
    case sha256WithRSA = "2"
}
