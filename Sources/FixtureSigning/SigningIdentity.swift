import COpenSSL
import Foundation

/// An RSA key and a self-signed certificate for it, both PEM: what SNS signs with and publishes, made locally.
///
/// For tests and fixtures only. A gateway trusts such a certificate only when it is placed in its
/// `SNS_CERTIFICATE_DIR`; fetched certificates come from Amazon's hosts alone.
public struct SigningIdentity: Sendable, Hashable {
    /// The private key, PKCS#8 PEM.
    public var privateKeyPEM: String
    /// The self-signed X.509 certificate, PEM.
    public var certificatePEM: String

    /// Creates an identity from PEM text.
    public init(privateKeyPEM: String, certificatePEM: String) {
        self.privateKeyPEM = privateKeyPEM
        self.certificatePEM = certificatePEM
    }

    /// Generates a fresh RSA key and a self-signed certificate valid from `notBefore` to `notAfter`.
    public static func generate(
        commonName: String = "sns.amazonaws.com (test)",
        notBefore: Date = Date(timeIntervalSinceNow: -3600),
        notAfter: Date = Date(timeIntervalSinceNow: 86400),
        bits: Int32 = 2048
    ) throws(SigningError) -> SigningIdentity {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else { throw SigningError("cannot create an RSA key context") }
        defer { EVP_PKEY_CTX_free(context) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1,
              EVP_PKEY_generate(context, &generated) == 1, let key = generated else {
            throw SigningError("cannot generate an RSA key")
        }
        defer { EVP_PKEY_free(key) }

        guard let certificate = X509_new() else { throw SigningError("cannot allocate a certificate") }
        defer { X509_free(certificate) }
        var notBeforeTime = time_t(notBefore.timeIntervalSince1970)
        var notAfterTime = time_t(notAfter.timeIntervalSince1970)
        guard X509_set_version(certificate, 2) == 1,
              ASN1_INTEGER_set(X509_get_serialNumber(certificate), Int(UInt32.random(in: 1...UInt32.max))) == 1,
              X509_time_adj_ex(X509_getm_notBefore(certificate), 0, 0, &notBeforeTime) != nil,
              X509_time_adj_ex(X509_getm_notAfter(certificate), 0, 0, &notAfterTime) != nil,
              X509_set_pubkey(certificate, key) == 1,
              let name = X509_get_subject_name(certificate),
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0) == 1,
              X509_set_issuer_name(certificate, name) == 1,
              X509_sign(certificate, key, EVP_sha256()) > 0 else {
            throw SigningError("cannot build the certificate")
        }
        let keyPEM = try MemoryBIO.writing { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        let certificatePEM = try MemoryBIO.writing { PEM_write_bio_X509($0, certificate) }
        return SigningIdentity(privateKeyPEM: keyPEM, certificatePEM: certificatePEM)
    }
}
