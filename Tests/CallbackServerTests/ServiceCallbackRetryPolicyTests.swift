import CallbackServer
import CallbackStore
import Testing

@Suite("Service callbacks' retry policy: Notify's rules")
struct ServiceCallbackRetryPolicyTests {
    let policy = ServiceCallbackRetryPolicy(initialDelay: 10, maximumDelay: 300, maxAttempts: 6)

    @Test("2xx is sent; another 4xx, 1xx or 3xx is failed at once")
    func finalAnswers() {
        #expect(policy.settlement(for: .accepted(status: 204), attempts: 1) == .sent(status: 204))
        #expect(policy.settlement(for: .refused(status: 400, reason: "HTTP 400"), attempts: 1) == .failed(status: 400, reason: "HTTP 400"))
        #expect(policy.settlement(for: .refused(status: 302, reason: "HTTP 302"), attempts: 6) == .failed(status: 302, reason: "HTTP 302"))
    }

    @Test("network errors, 5xx and 429 wait 10 s doubling to 5 min; the last attempt is dead")
    func backOff() {
        let delays = (1...5).map { attempts -> Double? in
            if case .retry(let delay, _, _) = policy.settlement(for: .retryable(status: 503, retryAfter: nil, reason: "HTTP 503"), attempts: attempts) { return delay }
            return nil
        }
        #expect(delays == [10, 20, 40, 80, 160])
        #expect(ServiceCallbackRetryPolicy(initialDelay: 10, maximumDelay: 300, maxAttempts: 20).delay(afterAttempts: 9) == 300)
        guard case .dead(let status, let reason) = policy.settlement(for: .retryable(status: nil, retryAfter: nil, reason: "timed out"), attempts: 6) else {
            Issue.record("the sixth failed attempt is the last")
            return
        }
        #expect(status == nil)
        #expect(reason.contains("timed out") && reason.contains("6 of 6"))
    }

    @Test("Retry-After is honoured instead of the back-off, up to an hour")
    func retryAfter() {
        #expect(policy.settlement(for: .retryable(status: 429, retryAfter: .seconds(120), reason: "HTTP 429"), attempts: 1) == .retry(after: 120, status: 429, reason: "HTTP 429"))
        #expect(policy.delay(afterAttempts: 1, retryAfter: .seconds(86_400)) == 3600)
    }

    @Test("an address the policy refuses is retried (a DNS answer can change back), then dead")
    func blocked() {
        #expect(policy.settlement(for: .blocked(reason: "loopback"), attempts: 1) == .retry(after: 10, status: nil, reason: "loopback"))
        if case .dead = policy.settlement(for: .blocked(reason: "loopback"), attempts: 6) {} else { Issue.record("blocked on the last attempt is dead") }
    }
}
