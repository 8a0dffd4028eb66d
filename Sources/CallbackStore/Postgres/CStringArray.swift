import CallbackCore
import Foundation

/// Hands Swift strings to libpq as an array of C strings that lives for the duration of one call.
enum CStringArray {
    static func with<R>(
        _ strings: [String?],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws(DatabaseError) -> R
    ) throws(DatabaseError) -> R {
        for case let string? in strings where NULScan.contains(string) {
            throw .invalidParameter("a text value contains a NUL character")
        }
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
        defer { pointers.forEach { free($0) } }
        return try pointers.withUnsafeMutableBufferPointer { buffer throws(DatabaseError) -> R in
            let base = buffer.baseAddress.map {
                UnsafeMutableRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self)
            }
            return try body(base.map { UnsafePointer($0) })
        }
    }
}
