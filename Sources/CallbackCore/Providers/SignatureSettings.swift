import Foundation

/// What the signed providers' settings and checks share.
enum SignatureSettings {
    /// How old a signed timestamp may be: one day. Providers retry for hours with the same signed request
    /// (Mailgun for 8, SendGrid and Vonage for up to 24), and a refused retry would lose a receipt; a replay within
    /// the day is an identical body, which is stored once (and Mailgun's token is accepted once). A timestamp in the
    /// future is accepted: only the provider can sign one, and clocks drift.
    static let maximumAge: TimeInterval = 86_400

    /// The values of a comma-separated list setting (secrets to rotate), each trimmed; `nil` when the setting is
    /// absent or blank.
    static func list(_ setting: ProviderSetting, in values: [String: String]) throws(ProviderSettingError) -> [String]? {
        guard let text = values[setting.variable], !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.contains(where: \.isEmpty) else {
            throw ProviderSettingError(setting, "has an empty item; give the values separated by single commas")
        }
        return items
    }

    /// Whether a signed Unix timestamp is recent enough (see ``maximumAge``).
    static func isFresh(_ seconds: Double, now: Date) -> Bool {
        seconds.isFinite && now.timeIntervalSince1970 - seconds <= maximumAge
    }
}
