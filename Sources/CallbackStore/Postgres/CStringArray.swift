import CallbackCore
import Foundation

/// Hands Swift strings to libpq as an array of C strings that lives for the duration of one call.
enum CStringArray {
    /// Calls `body` with a C array of `strings` (`NULL` for `nil`), valid only during the call.
    ///
    /// One buffer holds every string, each followed by its NUL: one allocation for all the parameters of a statement,
    /// where a copy of each (`strdup`) cost an allocation and a free apiece for every receipt.
    ///
    /// - Throws: ``DatabaseError/invalidParameter(_:)`` when a string holds a NUL, which libpq would cut it at.
    static func with<R>(
        _ strings: [String?],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws(DatabaseError) -> R
    ) throws(DatabaseError) -> R {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(strings.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 })
        // Where each string starts in `bytes`; nil for a NULL parameter.
        var starts: [Int?] = []
        starts.reserveCapacity(strings.count)
        for string in strings {
            guard let string else {
                starts.append(nil)
                continue
            }
            guard !NULScan.contains(string) else { throw .invalidParameter("a text value contains a NUL character") }
            starts.append(bytes.count)
            bytes.append(contentsOf: string.utf8)
            bytes.append(0)
        }
        return try bytes.withUnsafeBufferPointer { buffer throws(DatabaseError) -> R in
            let base = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            let pointers: [UnsafePointer<CChar>?] = starts.map { $0.flatMap { offset in base.map { $0 + offset } } }
            return try pointers.withUnsafeBufferPointer { pointers throws(DatabaseError) -> R in try body(pointers.baseAddress) }
        }
    }
}
