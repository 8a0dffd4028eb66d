import CallbackServer
import Testing

/// `MetricName.sanitised`, which stands between request data and metric names. The suite is named after StatsD
/// so that `swift test --filter StatsD` runs it with the client's tests.
@Suite("StatsD metric names")
struct StatsDMetricNameTests {
    @Test(arguments: [
        ("Bounce Permanent", "bounce_permanent"),
        ("POST", "post"),
        ("", "unknown"),
        ("...", "unknown"),
        ("temporary-failure", "temporary-failure"),
        ("a:1|c\nb", "a_1_c_b"),
        ("Ünïcode ✓ status", "n_code_status"),
    ])
    func sanitises(input: String, expected: String) {
        #expect(MetricName.sanitised(input) == expected)
    }

    @Test func pathTraversalLeavesOnlySafeCharacters() {
        let name = MetricName.sanitised("../../etc/passwd")
        #expect(!name.isEmpty)
        #expect(name.allSatisfy { "abcdefghijklmnopqrstuvwxyz0123456789_-".contains($0) })
        #expect(!name.contains("."))
    }

    @Test func longInputIsBounded() {
        let long = String(repeating: "Abc.", count: 1_000)
        #expect(MetricName.sanitised(long).count <= 64)
        #expect(MetricName.sanitised(long, maxLength: 10).count <= 10)
        #expect(MetricName.sanitised(long, maxLength: 10).hasPrefix("abc_abc"))
        #expect(MetricName.sanitised("", maxLength: 3) == "unk")
    }
}
