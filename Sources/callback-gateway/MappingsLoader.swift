import CallbackCore
import Foundation

/// Loads the mapping table in force: the operator's file when one is named, the default otherwise.
enum MappingsLoader {
    static func load(path: String?) throws -> MappingTable {
        guard let path else { return try DefaultMappings.table() }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                "cannot read the mapping file \"\(path)\" (\(Self.reason(error))); check the path given with --mappings or CALLBACK_MAPPINGS"
            )
        }
        do {
            return try MappingFile.parse(text, file: path)
        } catch {
            throw ConfigurationError("the mapping file is not valid; fix these lines:\n\(error.description)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if nsError.domain == NSCocoaErrorDomain && nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        if nsError.domain == NSCocoaErrorDomain && nsError.code == NSFileReadInapplicableStringEncodingError { return "it is not UTF-8 text" }
        return nsError.localizedDescription
    }
}
