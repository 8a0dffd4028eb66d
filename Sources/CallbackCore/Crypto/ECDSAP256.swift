import COpenSSL

/// ECDSA signatures on P-256 with SHA-256 (SendGrid's signed Event Webhook), checked by the system's libcrypto.
public enum ECDSAP256 {
    /// Whether `der` is a P-256 public key in DER SubjectPublicKeyInfo form.
    public static func isPublicKey(_ der: [UInt8]) -> Bool {
        withPublicKey(der) { _ in true } ?? false
    }

    /// Whether `signature` (DER `SEQUENCE { r, s }`; a high `s` is accepted, as SendGrid's own libraries accept it)
    /// signs `message` with the key.
    public static func verify(signature: [UInt8], of message: [UInt8], publicKey der: [UInt8]) -> Bool {
        PublicKey(der: der)?.verify(signature: signature, of: message) ?? false
    }

    /// A P-256 public key, read once. Reading one from DER costs OpenSSL 3 more than a hundred microseconds, more
    /// than checking a signature with it, so a check keeps its configured keys read; OpenSSL lets several threads
    /// verify with one key at once, each with a digest context of its own.
    public final class PublicKey: @unchecked Sendable {
        private let key: OpaquePointer

        /// The key in `der` (DER SubjectPublicKeyInfo), or `nil` when it is not a P-256 public key.
        public init?(der: [UInt8]) {
            guard let key = ECDSAP256.readPublicKey(der) else { return nil }
            self.key = key
        }

        deinit {
            EVP_PKEY_free(key)
        }

        /// Whether `signature` (DER `SEQUENCE { r, s }`, a high `s` accepted) signs `message` with this key.
        public func verify(signature: [UInt8], of message: [UInt8]) -> Bool {
            let verified = { () -> Bool in
                guard let context = EVP_MD_CTX_new() else { return false }
                defer { EVP_MD_CTX_free(context) }
                guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
                return signature.withUnsafeBytes { signatureBytes in
                    message.withUnsafeBytes { messageBytes in
                        EVP_DigestVerify(
                            context,
                            signatureBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), signatureBytes.count,
                            messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count
                        ) == 1
                    }
                }
            }()
            if !verified { ERR_clear_error() }
            return verified
        }
    }

    /// The DER signature of `message` with a private key in PKCS#8 DER form, for fixtures and tests (the gateway
    /// only verifies); `nil` when the key is not a P-256 private key.
    public static func sign(_ message: [UInt8], privateKey der: [UInt8]) -> [UInt8]? {
        let key: OpaquePointer? = der.withUnsafeBytes { buffer in
            var pointer = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return d2i_AutoPrivateKey(nil, &pointer, buffer.count)
        }
        guard let key else {
            ERR_clear_error()
            return nil
        }
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC, let context = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(context) }
        var length = 0
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1,
              EVP_DigestSign(context, nil, &length, message, message.count) == 1 else {
            ERR_clear_error()
            return nil
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            ERR_clear_error()
            return nil
        }
        return Array(signature.prefix(length))
    }

    /// Runs `body` with the parsed key, or returns `nil` when `der` is not a P-256 public key.
    private static func withPublicKey<T>(_ der: [UInt8], _ body: (OpaquePointer) -> T) -> T? {
        guard let key = readPublicKey(der) else { return nil }
        defer { EVP_PKEY_free(key) }
        return body(key)
    }

    /// The key in `der`, which the caller frees, or `nil` when it is not a P-256 public key.
    private static func readPublicKey(_ der: [UInt8]) -> OpaquePointer? {
        guard !der.isEmpty, der.count < 4096 else { return nil }
        let key: OpaquePointer? = der.withUnsafeBytes { buffer in
            var pointer = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return d2i_PUBKEY(nil, &pointer, buffer.count)
        }
        guard let key else {
            ERR_clear_error()
            return nil
        }
        var name = [CChar](repeating: 0, count: 64)
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC, EVP_PKEY_get_bits(key) == 256,
              EVP_PKEY_get_group_name(key, &name, name.count, nil) == 1,
              String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == "prime256v1"
        else {
            EVP_PKEY_free(key)
            ERR_clear_error()
            return nil
        }
        return key
    }
}
