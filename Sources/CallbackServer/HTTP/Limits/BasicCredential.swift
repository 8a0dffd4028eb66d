import Foundation

/// A user and password a provider must present (GOV.UK Notify puts them in the callback URL it gives providers).
public struct BasicCredential: Sendable, Hashable {
    /// The user name.
    public let user: String
    /// The password.
    public let password: String

    /// Creates a credential.
    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// Reads `user:password[,user:password...]` (several, to rotate without downtime). Returns `nil` when an entry
    /// has no colon, an empty user or an empty password; the caller says so without repeating the value.
    public static func list(_ text: String) -> [BasicCredential]? {
        var credentials: [BasicCredential] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let colon = entry.firstIndex(of: ":") else { return nil }
            let user = String(entry[..<colon]).trimmingCharacters(in: .whitespaces)
            let password = String(entry[entry.index(after: colon)...])
            guard !user.isEmpty, !password.isEmpty else { return nil }
            credentials.append(BasicCredential(user: user, password: password))
        }
        return credentials.isEmpty ? nil : credentials
    }

    /// The `user:password` bytes a Basic `Authorization` header carries, base64-decoded.
    var token: [UInt8] { Array("\(user):\(password)".utf8) }
}
