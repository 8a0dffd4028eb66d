import CLibPQ
import Foundation

/// The keywords handed to `PQconnectdbParams`: the gateway's defaults first, then the operator's connection
/// string, so that anything the operator sets (in the string or in `PG*` variables) wins.
struct ConnectionSettings {
    let keywords: [String]
    let values: [String?]
    let redactor: SecretRedactor

    init(configuration: DatabaseConfiguration) throws(DatabaseError) {
        let password = try Self.validatedPassword(of: configuration.connectionString)
        redactor = SecretRedactor(secrets: [password, ProcessInfo.processInfo.environment["PGPASSWORD"]].compactMap { $0 })
        var pairs: [(String, String?)] = [("application_name", configuration.applicationName)]
        if ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil {
            pairs.append(("connect_timeout", String(max(configuration.connectTimeout, 1))))
        }
        // Keep a dead peer from holding a connection for the kernel's default of two hours.
        pairs.append(("keepalives_idle", "30"))
        // NOTICEs ("relation already exists, skipping") are noise for an operator; warnings still reach the log.
        // The server ends a statement at the same bound the client waits for, so nothing runs on unobserved.
        let statementMilliseconds = Int(min(max(configuration.statementTimeout, 0.001), 86_400) * 1000)
        // Every statement the gateway runs finds its rows through an index. A prepared statement's plan is made
        // once, from the statistics of that moment: made while `callback_receipts` was empty (a new database, after a
        // TRUNCATE) it scanned the whole table for each receipt's duplicate check until autovacuum next analysed it,
        // which cut throughput by half in the benchmark. Sequential scans are therefore only a last resort.
        let commit = configuration.waitsForFlush ? "" : " -c synchronous_commit=off"
        pairs.append(("options", "-c TimeZone=UTC -c client_min_messages=warning -c statement_timeout=\(statementMilliseconds) -c enable_seqscan=off\(commit)"))
        pairs.append(("dbname", configuration.connectionString))
        keywords = pairs.map(\.0)
        values = pairs.map(\.1)
    }

    /// Calls `body` with NULL-terminated keyword and value arrays, as `PQconnectdbParams` wants them.
    func withKeywordsAndValues<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) throws(DatabaseError) -> R {
        try CStringArray.with(keywords + [nil]) { keywordPointers throws(DatabaseError) in
            try CStringArray.with(values + [nil]) { valuePointers throws(DatabaseError) in
                body(keywordPointers, valuePointers)
            }
        }
    }

    /// Parses the connection string as libpq will, so that a malformed one is reported before any connection
    /// attempt, and returns the password it holds (to keep it out of messages).
    private static func validatedPassword(of connectionString: String) throws(DatabaseError) -> String? {
        if connectionString.utf8.contains(0) { throw .invalidParameter("DATABASE_URL contains a NUL character") }
        guard !connectionString.isEmpty else { return nil }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let reason = errorMessage.map { String(cString: $0) } ?? "it could not be parsed"
            if let errorMessage { PQfreemem(errorMessage) }
            // libpq quotes the part it could not read, which may be the password: keep the reason, not the quote.
            let unquoted = reason.replacingOccurrences(of: "\"[^\"]*\"", with: "\"…\"", options: .regularExpression)
            throw .invalidConnectionString(unquoted.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                return String(cString: value)
            }
            option += 1
        }
        return nil
    }
}
