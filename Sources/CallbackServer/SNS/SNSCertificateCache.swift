import Foundation
import Synchronization

/// Signing certificates by URL, each asked of the fetcher once for the life of the process.
///
/// A certificate is fetched when a message first names it and kept: never fetched per request. Requests that
/// arrive while the first fetch is under way wait for that same fetch rather than starting their own. Only a
/// certificate that parses is kept; a failed fetch is forgotten, so the next message tries again (SNS retries
/// what it got a 403 for). Only URLs that passed ``SNSURLPolicy`` reach here, and only Amazon can serve a
/// certificate on those, so what is kept is bounded by the certificates Amazon has.
public final class SNSCertificateCache: Sendable {
    private typealias Fetch = Task<Result<[UInt8], SNSCertificateFetchError>, Never>

    private enum Entry {
        case fetching(Fetch)
        case ready([UInt8])
    }

    private let fetcher: any SNSCertificateFetcher
    private let entries = Mutex<[String: Entry]>([:])

    /// A cache in front of `fetcher`.
    public init(fetcher: any SNSCertificateFetcher) {
        self.fetcher = fetcher
    }

    /// The PEM certificate at `url`, from the cache, from a fetch under way, or fetched now.
    public func certificate(at url: URL) async throws(SNSCertificateFetchError) -> [UInt8] {
        let key = url.absoluteString
        let fetcher = fetcher
        let found: Entry = entries.withLock { entries in
            switch entries[key] {
            case .ready(let pem)?:
                return .ready(pem)
            case .fetching(let fetch)?:
                return .fetching(fetch)
            case nil:
                let fetch = Fetch {
                    do throws(SNSCertificateFetchError) {
                        let pem = try await fetcher.certificate(at: url)
                        guard RSASignatureCheck.isCertificate(pem) else { throw .notACertificate }
                        return .success(pem)
                    } catch {
                        return .failure(error)
                    }
                }
                entries[key] = .fetching(fetch)
                return .fetching(fetch)
            }
        }
        let fetch: Fetch
        switch found {
        case .ready(let pem): return pem
        case .fetching(let pending): fetch = pending
        }
        let result = await fetch.value
        entries.withLock { entries in
            // Whoever sees the fetch finish first records it; a newer fetch for the same URL is left alone.
            guard case .fetching(let current)? = entries[key], current == fetch else { return }
            switch result {
            case .success(let pem): entries[key] = .ready(pem)
            case .failure: entries[key] = nil
            }
        }
        return try result.get()
    }
}
