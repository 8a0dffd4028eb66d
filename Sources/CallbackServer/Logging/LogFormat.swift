/// How log lines are written.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-11-29T09:00:00Z info receipt provider=firetext outcome=applied ...`, for people.
    case text
    /// One JSON object per line, for log collectors.
    case json
}
