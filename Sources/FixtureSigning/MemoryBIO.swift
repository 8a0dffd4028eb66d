import COpenSSL

/// Moves PEM text in and out of OpenSSL through memory BIOs, freeing each one.
enum MemoryBIO {
    /// Runs `body` with a read-only BIO over `text`.
    static func reading<T>(_ text: String, _ body: (OpaquePointer) throws(SigningError) -> T) throws(SigningError) -> T {
        let bytes = Array(text.utf8)
        let result: Result<T, SigningError> = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                return .failure(SigningError("cannot allocate a memory BIO"))
            }
            defer { BIO_free(bio) }
            do throws(SigningError) {
                return .success(try body(bio))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// What `write` puts into a fresh BIO, as text.
    static func writing(_ write: (OpaquePointer) -> Int32) throws(SigningError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw SigningError("cannot allocate a memory BIO") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw SigningError("cannot write PEM") }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = BIO_read(bio, &chunk, Int32(chunk.count))
            if count <= 0 { break }
            text += chunk[0..<Int(count)]
        }
        return String(decoding: text, as: UTF8.self)
    }
}
