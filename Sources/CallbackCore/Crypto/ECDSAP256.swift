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
        let verified = withPublicKey(der) { key -> Bool in
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
        } ?? false
        if !verified { ERR_clear_error() }
        return verified
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
        guard !der.isEmpty, der.count < 4096 else { return nil }
        let key: OpaquePointer? = der.withUnsafeBytes { buffer in
            var pointer = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return d2i_PUBKEY(nil, &pointer, buffer.count)
        }
        guard let key else {
            ERR_clear_error()
            return nil
        }
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC, EVP_PKEY_get_bits(key) == 256 else { return nil }
        var name = [CChar](repeating: 0, count: 64)
        guard EVP_PKEY_get_group_name(key, &name, name.count, nil) == 1,
              String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == "prime256v1"
        else {
            ERR_clear_error()
            return nil
        }
        return body(key)
    }
}
