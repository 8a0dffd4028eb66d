import CallbackCore
import COpenSSL
import Foundation
import Synchronization

/// Checks an SNS signature with the system's OpenSSL: the PEM certificate is parsed, must be within its validity
/// period and hold an RSA key of at least 2048 bits, and the signature must be RSA PKCS#1 v1.5 over the message
/// with SHA-1 (`SignatureVersion` 1) or SHA-256 (2).
///
/// Every OpenSSL object is freed on every path (`defer`, or with the ``ReadCertificate`` that holds it), and
/// OpenSSL's error queue is emptied after a failure so that it never grows on the threads the gateway runs on.
enum RSASignatureCheck {
    /// Whether `pem` holds a PEM X.509 certificate OpenSSL can read.
    static func isCertificate(_ pem: [UInt8]) -> Bool {
        (try? withCertificate(pem) { _ throws(SNSRejection) in }) != nil
    }

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

    /// A certificate parsed once, with its public key: parsing a PEM certificate costs OpenSSL 3 over a hundred
    /// microseconds, several times the RSA check itself, and SNS signs with a handful of certificates.
    final class ReadCertificate: @unchecked Sendable {
        /// The certificate; only read from, which OpenSSL allows from several threads at once.
        let x509: OpaquePointer
        /// Its public key, `nil` when OpenSSL cannot read one.
        let key: OpaquePointer?

        /// The certificate in `pem`.
        init(pem: [UInt8]) throws(SNSRejection) {
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

    /// The certificates read so far, by their PEM bytes (the cache in front of the fetcher hands each out as bytes).
    /// At most `limit` are kept, and all are dropped when that many more arrive: SNS's certificates are few, so only
    /// someone sending many certificate URLs the policy passes, each fetched, would fill it.
    final class ReadCertificates: Sendable {
        private let certificates = Mutex<[[UInt8]: ReadCertificate]>([:])
        private let limit: Int

        /// An empty set keeping at most `limit` certificates.
        init(limit: Int = 32) {
            self.limit = limit
        }

        /// The certificate in `pem`, read now or before.
        func certificate(_ pem: [UInt8]) throws(SNSRejection) -> ReadCertificate {
            if let read = certificates.withLock({ $0[pem] }) { return read }
            let read = try ReadCertificate(pem: pem)
            certificates.withLock { certificates in
                if certificates.count >= limit { certificates.removeAll() }
                certificates[pem] = read
            }
            return read
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
