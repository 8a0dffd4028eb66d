import CLibPQ
import Foundation

/// Removes known secrets from messages that may quote a connection string.
struct SecretRedactor: Sendable {
    let secrets: [String]

    func redact(_ message: String) -> String {
        secrets.filter { !$0.isEmpty }.reduce(message) { $0.replacingOccurrences(of: $1, with: "*****") }
    }
}
