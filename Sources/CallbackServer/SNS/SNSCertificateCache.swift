import Foundation
import Synchronization

/// Signing certificates by URL, each asked of the fetcher once for the life of the process.
///
/// A certificate is fetched when a message first names it and kept: never fetched per request. Requests that
/// arrive while the first fetch is under way wait for that same fetch rather than starting their own. Only a
/// certificate that parses is kept, parsed, so that no request parses it again; a failed fetch is forgotten, so the next message tries again (SNS retries
/// what it got a 403 for). Only URLs that passed ``SNSURLPolicy`` reach here, and only Amazon can serve a
/// certificate on those, so what is kept is bounded by the certificates Amazon has.
public final class SNSCertificateCache: Sendable {
    private typealias Fetch = Task<Result<RSASignatureCheck.ReadCertificate, SNSCertificateFetchError>, Never>

    private enum Entry {
        case fetching(Fetch)
        case ready(RSASignatureCheck.ReadCertificate)
    }

    private let fetcher: any SNSCertificateFetcher
    private let entries = Mutex<[String: Entry]>([:])

    /// A cache in front of `fetcher`.
    public init(fetcher: any SNSCertificateFetcher) {
        self.fetcher = fetcher
    }

    /// The PEM certificate at `url`, from the cache, from a fetch under way, or fetched now.
    public func certificate(at url: URL) async throws(SNSCertificateFetchError) -> [UInt8] {
        try await readCertificate(at: url).pem
    }

    /// The certificate at `url`, parsed, as ``certificate(at:)`` finds it.
    func readCertificate(at url: URL) async throws(SNSCertificateFetchError) -> RSASignatureCheck.ReadCertificate {
        let key = url.absoluteString
        let fetcher = fetcher
        let found: Entry = entries.withLock { entries in
            switch entries[key] {
            case .ready(let certificate)?:
                return .ready(certificate)
            case .fetching(let fetch)?:
                return .fetching(fetch)
            case nil:
                let fetch = Fetch {
                    do throws(SNSCertificateFetchError) {
                        let pem = try await fetcher.certificate(at: url)
                        guard let certificate = try? RSASignatureCheck.ReadCertificate(pem: pem) else { throw .notACertificate }
                        return .success(certificate)
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
        case .ready(let certificate): return certificate
        case .fetching(let pending): fetch = pending
        }
        let result = await fetch.value
        entries.withLock { entries in
            // Whoever sees the fetch finish first records it; a newer fetch for the same URL is left alone.
            guard case .fetching(let current)? = entries[key], current == fetch else { return }
            switch result {
            case .success(let certificate): entries[key] = .ready(certificate)
            case .failure: entries[key] = nil
            }
        }
        return try result.get()
    }
}
