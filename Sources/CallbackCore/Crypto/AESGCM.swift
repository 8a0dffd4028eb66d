import COpenSSL

/// AES-256-GCM through the system's libcrypto: a 32-byte key, a 12-byte nonce, a 16-byte tag.
public enum AESGCM {
    /// Bytes of a key.
    public static let keySize = 32
    /// Bytes of a nonce.
    public static let nonceSize = 12
    /// Bytes of a tag.
    public static let tagSize = 16

    /// `plaintext` encrypted and authenticated with `additional` data: the ciphertext followed by the tag. `nil`
    /// only when the key or nonce has the wrong size, or libcrypto fails.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], additional: [UInt8]) -> [UInt8]? {
        guard key.count == keySize, nonce.count == nonceSize, let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: plaintext.count + tagSize)
        var length: Int32 = 0
        var total = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1,
              additional.isEmpty || EVP_EncryptUpdate(context, nil, &length, additional, Int32(additional.count)) == 1
        else { return failed() }
        if !plaintext.isEmpty {
            let updated = output.withUnsafeMutableBufferPointer { buffer in
                EVP_EncryptUpdate(context, buffer.baseAddress, &length, plaintext, Int32(plaintext.count))
            }
            guard updated == 1 else { return failed() }
            total = Int(length)
        }
        let finished = output.withUnsafeMutableBufferPointer { buffer in
            EVP_EncryptFinal_ex(context, buffer.baseAddress! + total, &length)
        }
        guard finished == 1 else { return failed() }
        total += Int(length)
        let tagged = output.withUnsafeMutableBufferPointer { buffer in
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagSize), buffer.baseAddress! + total)
        }
        guard tagged == 1 else { return failed() }
        return Array(output.prefix(total + tagSize))
    }

    /// The plaintext of `sealed` (ciphertext then tag), or `nil` when the key, the nonce or the additional data is
    /// not the one it was sealed with, or it was changed.
    public static func open(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], additional: [UInt8]) -> [UInt8]? {
        guard key.count == keySize, nonce.count == nonceSize, sealed.count >= tagSize,
              let context = EVP_CIPHER_CTX_new()
        else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        let ciphertext = Array(sealed.dropLast(tagSize))
        var tag = Array(sealed.suffix(tagSize))
        var output = [UInt8](repeating: 0, count: ciphertext.count + tagSize)
        var length: Int32 = 0
        var total = 0
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1,
              additional.isEmpty || EVP_DecryptUpdate(context, nil, &length, additional, Int32(additional.count)) == 1
        else { return failed() }
        if !ciphertext.isEmpty {
            let updated = output.withUnsafeMutableBufferPointer { buffer in
                EVP_DecryptUpdate(context, buffer.baseAddress, &length, ciphertext, Int32(ciphertext.count))
            }
            guard updated == 1 else { return failed() }
            total = Int(length)
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagSize), &tag) == 1 else { return failed() }
        let verified = output.withUnsafeMutableBufferPointer { buffer in
            EVP_DecryptFinal_ex(context, buffer.baseAddress! + total, &length)
        }
        guard verified == 1 else { return failed() }
        return Array(output.prefix(total + Int(length)))
    }

    private static func failed() -> [UInt8]? {
        ERR_clear_error()
        return nil
    }
}
