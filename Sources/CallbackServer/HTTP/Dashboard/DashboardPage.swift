/// The dashboard's pages, by path, in the order of its navigation.
enum DashboardPage: String, CaseIterable, Sendable {
    case overview
    case unmapped
    case backlog
    case lookup

    /// The page's path.
    var path: String {
        switch self {
        case .overview: "/dashboard"
        default: "/dashboard/\(rawValue)"
        }
    }

    /// The page's name in the navigation and its title.
    var title: String {
        switch self {
        case .overview: "Overview"
        case .unmapped: "Unmapped statuses"
        case .backlog: "Backlog"
        case .lookup: "Look-up"
        }
    }
}
