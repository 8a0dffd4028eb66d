import CallbackCore
import COpenSSL
import Foundation

/// Checks an SNS signature with the system's OpenSSL: the PEM certificate is parsed, must be within its validity
/// period and hold an RSA key of at least 2048 bits, and the signature must be RSA PKCS#1 v1.5 over the message
/// with SHA-1 (`SignatureVersion` 1) or SHA-256 (2).
///
/// Every OpenSSL object is freed on every path (`defer`, or with the ``ReadCertificate`` that holds it), and
/// OpenSSL's error queue is emptied after a failure so that it never grows on the threads the gateway runs on.
enum RSASignatureCheck {
    /// Verifies `signature` of `message` with the certificate's key, as of `now`.
    static func verify(
        signature: [UInt8], of message: [UInt8], version: SNSSignatureVersion, certificate: ReadCertificate, now: Date
    ) throws(SNSRejection) {
        var moment = time_t(now.timeIntervalSince1970)
        // X509_cmp_time: -1 when the certificate's time is before `moment`, 1 after, 0 on an unreadable time.
        let notBefore = X509_cmp_time(X509_get0_notBefore(certificate.x509), &moment)
        let notAfter = X509_cmp_time(X509_get0_notAfter(certificate.x509), &moment)
        guard notBefore != 0, notAfter != 0 else { throw fail(.certificateUnreadable) }
        guard notBefore < 0 else { throw fail(.certificateNotYetValid) }
        guard notAfter > 0 else { throw fail(.certificateExpired) }

        guard let key = certificate.key else { throw fail(.certificateUnreadable) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA, EVP_PKEY_get_bits(key) >= 2048 else { throw fail(.keyNotAccepted) }

        guard let context = EVP_MD_CTX_new() else { throw fail(.certificateUnreadable) }
        defer { EVP_MD_CTX_free(context) }
        let digest = version == .sha1WithRSA ? EVP_sha1() : EVP_sha256()
        // No key context options: RSA's default padding is PKCS#1 v1.5, the scheme SNS signs with.
        guard EVP_DigestVerifyInit(context, nil, digest, nil, key) == 1 else { throw fail(.keyNotAccepted) }
        let verified = EVP_DigestVerify(context, signature, signature.count, message, message.count)
        guard verified == 1 else { throw fail(.signatureMismatch) }
    }

    /// A certificate parsed once, with its public key, and kept so by ``SNSCertificateCache``: parsing a PEM
    /// certificate costs OpenSSL 3 over a hundred microseconds, several times the RSA check itself.
    final class ReadCertificate: @unchecked Sendable {
        /// The certificate; only read from, which OpenSSL allows from several threads at once.
        let x509: OpaquePointer
        /// Its public key, `nil` when OpenSSL cannot read one.
        let key: OpaquePointer?
        /// The PEM text it was read from.
        let pem: [UInt8]

        /// The certificate in `pem`.
        init(pem: [UInt8]) throws(SNSRejection) {
            self.pem = pem
            let parsed: OpaquePointer? = pem.withUnsafeBytes { buffer in
                guard buffer.count < Int(Int32.max), let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
                defer { BIO_free(bio) }
                return PEM_read_bio_X509(bio, nil, nil, nil)
            }
            guard let parsed else { throw fail(.certificateUnreadable) }
            x509 = parsed
            key = X509_get_pubkey(parsed)
            if key == nil { ERR_clear_error() }
        }

        deinit {
            if let key { EVP_PKEY_free(key) }
            X509_free(x509)
        }
    }

    /// `rejection`, after emptying OpenSSL's error queue of whatever the failed call left there.
    private static func fail(_ rejection: SNSRejection) -> SNSRejection {
        ERR_clear_error()
        return rejection
    }
}
