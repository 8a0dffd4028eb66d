import COpenSSL

/// OpenSSL's per-thread error queue, emptied after every failure so that one step's error is never blamed on the
/// next.
enum OpenSSLErrorQueue {
    /// The first queued reason as `": <reason>"`, or nothing, after emptying the queue.
    static func drain() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return ": " + String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
