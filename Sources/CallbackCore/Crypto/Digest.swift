import COpenSSL

/// The digests and MACs the providers sign their webhooks with, computed by the system's libcrypto.
public enum Digest {
    /// A hash function.
    public enum Algorithm: String, Sendable, CaseIterable {
        case md5
        case sha1
        case sha256
        case sha512

        fileprivate var evp: OpaquePointer? {
            switch self {
            case .md5: EVP_md5()
            case .sha1: EVP_sha1()
            case .sha256: EVP_sha256()
            case .sha512: EVP_sha512()
            }
        }
    }

    /// The hash of `message`.
    public static func hash(_ algorithm: Algorithm, _ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let succeeded = message.withUnsafeBytes { bytes in
            EVP_Digest(bytes.baseAddress, bytes.count, &output, &length, algorithm.evp, nil) == 1
        }
        guard succeeded else {
            ERR_clear_error()
            return []
        }
        return Array(output.prefix(Int(length)))
    }

    /// The HMAC of `message` keyed by `key`.
    public static func hmac(_ algorithm: Algorithm, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // An empty key is a valid HMAC key; OpenSSL wants a non-null pointer for it.
        let keyBytes = key.isEmpty ? [0] : key
        let produced = keyBytes.withUnsafeBytes { keyBuffer in
            message.withUnsafeBytes { messageBuffer in
                HMAC(algorithm.evp, keyBuffer.baseAddress, Int32(key.count), messageBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self),
                     messageBuffer.count, &output, &length)
            }
        }
        guard produced != nil else {
            ERR_clear_error()
            return []
        }
        return Array(output.prefix(Int(length)))
    }

    /// Lower-case hexadecimal.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Comparisons whose time does not depend on where two secrets differ.
public enum ConstantTime {
    /// Whether `a` and `b` are equal; the time taken depends only on their lengths.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Whether two texts are equal, byte for byte.
    public static func equal(_ a: String, _ b: String) -> Bool { equal(Array(a.utf8), Array(b.utf8)) }
}
