import CallbackCore
import CallbackServer
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Posts fixtures to a running gateway over HTTP, as the providers would.
struct ReplaySender: Sendable {
    /// The gateway could not be reached at all; nothing more is worth sending.
    struct Unreachable: Error, CustomStringConvertible {
        let url: String
        let reason: String

        var description: String {
            "cannot reach the gateway at \(url) (\(reason)); start it with scripts/run, or point --to at a running gateway"
        }
    }

    let base: URL
    private let session: URLSession
    private let challenges = ChallengeRecorder()

    init(base: URL, timeout: TimeInterval = 15) {
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpMaximumConnectionsPerHost = 64
        session = URLSession(configuration: configuration, delegate: challenges, delegateQueue: nil)
    }

    func send(_ entry: FixtureSet.Entry) async throws(Unreachable) -> ReplayResult {
        let fixture = entry.fixture
        let url = base.appendingPathComponent(String(CallbackRoutes.path(for: fixture.provider).dropFirst()))
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(fixture.body.utf8)
        if let contentType = fixture.contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for header in fixture.headers { request.setValue(header.value, forHTTPHeaderField: header.name) }
        let id = UUID().uuidString
        request.setValue(id, forHTTPHeaderField: ChallengeRecorder.header)
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            // A 401 with a challenge: refused, which is an answer (see ChallengeRecorder).
            if let status = challenges.takeStatus(of: id) {
                return ReplayResult(path: entry.path, provider: fixture.provider, httpStatus: status, outcome: nil, status: nil, expectation: fixture.expectation)
            }
            throw Unreachable(url: base.absoluteString, reason: Self.reason(error))
        }
        let answer = try? JSONDecoder().decode(Answer.self, from: data)
        return ReplayResult(
            path: entry.path,
            provider: fixture.provider,
            httpStatus: (response as? HTTPURLResponse)?.statusCode ?? 0,
            outcome: answer?.outcome,
            status: answer?.status,
            expectation: fixture.expectation
        )
    }

    private static func reason(_ error: any Error) -> String {
        guard let error = error as? URLError else { return "\(error)" }
        switch error.code {
        case .cannotConnectToHost: return "connection refused"
        case .timedOut: return "no answer in time"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .networkConnectionLost: return "connection lost"
        default: return "URL error \(error.code.rawValue)"
        }
    }

    private struct Answer: Decodable {
        var outcome: String?
        var status: String?
    }
}
