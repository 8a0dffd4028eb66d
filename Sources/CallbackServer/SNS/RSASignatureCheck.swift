import CallbackCore
import COpenSSL
import Foundation

/// Checks an SNS signature with the system's OpenSSL: the PEM certificate is parsed, must be within its validity
/// period and hold an RSA key of at least 2048 bits, and the signature must be RSA PKCS#1 v1.5 over the message
/// with SHA-1 (`SignatureVersion` 1) or SHA-256 (2).
///
/// Every OpenSSL object is freed on every path (`defer`), and OpenSSL's error queue is emptied after a failure so
/// that it never grows on the threads the gateway runs on. The certificate is parsed for each check rather than
/// kept parsed: it takes microseconds, and it leaves no OpenSSL object alive between requests.
enum RSASignatureCheck {
    /// Whether `pem` holds a PEM X.509 certificate OpenSSL can read.
    static func isCertificate(_ pem: [UInt8]) -> Bool {
        (try? withCertificate(pem) { _ throws(SNSRejection) in }) != nil
    }

    /// Verifies `signature` of `message` with the certificate's key, as of `now`.
    static func verify(
        signature: [UInt8], of message: [UInt8], version: SNSSignatureVersion, certificatePEM: [UInt8], now: Date
    ) throws(SNSRejection) {
        try withCertificate(certificatePEM) { certificate throws(SNSRejection) in
            var moment = time_t(now.timeIntervalSince1970)
            // X509_cmp_time: -1 when the certificate's time is before `moment`, 1 after, 0 on an unreadable time.
            let notBefore = X509_cmp_time(X509_get0_notBefore(certificate), &moment)
            let notAfter = X509_cmp_time(X509_get0_notAfter(certificate), &moment)
            guard notBefore != 0, notAfter != 0 else { throw fail(.certificateUnreadable) }
            guard notBefore < 0 else { throw fail(.certificateNotYetValid) }
            guard notAfter > 0 else { throw fail(.certificateExpired) }

            guard let key = X509_get_pubkey(certificate) else { throw fail(.certificateUnreadable) }
            defer { EVP_PKEY_free(key) }
            guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA, EVP_PKEY_get_bits(key) >= 2048 else { throw fail(.keyNotAccepted) }

            guard let context = EVP_MD_CTX_new() else { throw fail(.certificateUnreadable) }
            defer { EVP_MD_CTX_free(context) }
            let digest = version == .sha1WithRSA ? EVP_sha1() : EVP_sha256()
            // No key context options: RSA's default padding is PKCS#1 v1.5, the scheme SNS signs with.
            guard EVP_DigestVerifyInit(context, nil, digest, nil, key) == 1 else { throw fail(.keyNotAccepted) }
            let verified = EVP_DigestVerify(context, signature, signature.count, message, message.count)
            guard verified == 1 else { throw fail(.signatureMismatch) }
        }
    }

    /// Runs `body` with the parsed certificate, freeing it (and the BIO it was read from) afterwards.
    private static func withCertificate(
        _ pem: [UInt8], _ body: (OpaquePointer) throws(SNSRejection) -> Void
    ) throws(SNSRejection) {
        let result: Result<Void, SNSRejection> = pem.withUnsafeBytes { buffer in
            guard buffer.count < Int(Int32.max), let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                return .failure(fail(.certificateUnreadable))
            }
            defer { BIO_free(bio) }
            guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else { return .failure(fail(.certificateUnreadable)) }
            defer { X509_free(certificate) }
            do throws(SNSRejection) {
                try body(certificate)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// `rejection`, after emptying OpenSSL's error queue of whatever the failed call left there.
    private static func fail(_ rejection: SNSRejection) -> SNSRejection {
        ERR_clear_error()
        return rejection
    }
}
