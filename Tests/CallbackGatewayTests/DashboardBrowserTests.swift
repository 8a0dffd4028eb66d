import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("dashboard in a real browser")
struct DashboardBrowserTests {
    static let token = "dashboard-browser-token-0123456789"

    @Test(
        "sign in, the overview's numbers are /admin/stats', an unknown status is listed, sign out and be refused",
        .enabled(if: Browser.shouldRun, "chromium, chromium-driver and CALLBACK_TEST_PYTHON (with selenium) are needed; scripts/test installs them")
    )
    func signInOverviewUnmappedSignOut() async throws {
        try await TestDatabase.with { database in
            let server = try await RunningGateway.start(database: database, environment: [
                "ADMIN_TOKEN": Self.token, "DASHBOARD_PLAIN_HTTP": "on",
            ])
            defer { server.stop() }
            let fixtures = SNSFixtures.root.appendingPathComponent("fixtures").path
            let replay = try await Gateway.run(
                ["replay", "--seed", "--to", "http://127.0.0.1:\(server.port)", fixtures + "/firetext", fixtures + "/mmg"],
                environment: ["DATABASE_URL": database.url]
            )
            #expect(replay.status == 0, "\(replay.standardError)")
            let id = try await database.insertNotification(status: .sending)
            let rawStatus = "97"
            let unknown = try await server.post(
                "/notifications/sms/mmg",
                #"{"reference":"mmg-browser","CID":"\#(id)","MSISDN":"447700900123","status":\#(rawStatus),"substatus":1,"deliverytime":"2026-01-05 16:01:07"}"#,
                contentType: "application/json"
            )
            #expect(unknown.1.contains(#""outcome":"unmapped""#), "\(unknown)")

            // Callbacks owed and given up (this gateway has no encryption key, so none is sent meanwhile).
            try await database.query("""
                INSERT INTO service_callback_outbox (notification_id, service_id, callback_type, payload, state)
                SELECT gen_random_uuid(), gen_random_uuid(), 'delivery-status', '{}', s
                  FROM unnest('{pending,pending,dead,failed}'::text[]) AS s
                """)
            let seen = try await Browser.run(script: "dashboard.py", task: [
                "base_url": "http://127.0.0.1:\(server.port)", "token": Self.token,
                "screenshots": Browser.screenshotFolder, "refresh_seconds": 15, "backlog": true,
                "lookup": "1f000000-0000-4000-8000-000000000105",
            ])

            #expect(seen["unsigned_path"] as? String == "/dashboard/sign-in")
            #expect((seen["wrong_token_message"] as? String)?.contains("not the admin token") == true)
            #expect(seen["signed_in_path"] as? String == "/dashboard")
            let cookie = try #require((seen["cookies"] as? [[String: Any]])?.first { $0["name"] as? String == "cbgw_dashboard" })
            #expect(cookie["httpOnly"] as? Bool == true)
            #expect(cookie["sameSite"] as? String == "Strict")

            for (cellsKey, limitDays) in [("overview_cells", 7), ("overview_cells_1", 1)] {
                let cells = try #require(seen[cellsKey] as? [[String: Any]])
                let stats = try await adminStats(port: server.port, limitDays: limitDays)
                #expect(cells.count == stats.count, "\(cellsKey): one cell per day, provider and outcome")
                for cell in cells {
                    let key = "\(cell["date"] ?? "")|\(cell["provider"] ?? "")|\(cell["outcome"] ?? "")"
                    #expect(stats[key] == cell["count"] as? Int, "\(cellsKey) \(key)")
                }
                #expect(stats.values.reduce(0, +) > 0, "the fixtures' receipts are counted today")
            }
            #expect((seen["charts"] as? Int ?? 0) > 0)

            let unmapped = try #require(seen["unmapped"] as? [[String]])
            let row = try #require(unmapped.first { $0.count > 1 && $0[0] == "mmg" && $0[1] == rawStatus })
            #expect(row.last == "callback-gateway replay --from-db unmapped --provider mmg")
            let waiting = try await database.query("SELECT count(*) AS n FROM callback_receipts WHERE outcome = 'waiting'").value("n")
            let backlog = try #require(seen["backlog"] as? [String: String])
            #expect(backlog["waiting-count"] == waiting)
            #expect(waiting != "0", "the fixtures leave receipts waiting for notifications they do not seed")
            #expect(backlog["waiting-oldest"]?.hasSuffix(" UTC") == true)
            #expect(backlog["orphaned-last-day"] == "0")
            #expect(backlog["callbacks-pending"] == "2")
            #expect(backlog["callbacks-dead"] == "1")
            #expect(backlog["callbacks-failed"] == "1")
            // Firetext's fixtures 07 and 08: status 2 (pending), then 1 with the unknown code 789 (temporary-failure).
            #expect(seen["lookup_status"] as? String == "temporary-failure")
            let trail = try #require(seen["lookup_trail"] as? [[String]])
            #expect(trail.map { Array($0.dropFirst()) } == [
                ["firetext", "2", "", "applied", "pending", "callback:firetext"],
                ["firetext", "1", "789", "applied", "temporary-failure", "callback:firetext"],
            ])
            #expect((seen["lookup_page"] as? String)?.contains("447700900105") == false, "raw bodies hold phone numbers")
            #expect(seen["refreshed"] as? Bool == true, "the overview refreshed its numbers without a reload")

            #expect(seen["signed_out_path"] as? String == "/dashboard/sign-in")
            #expect((seen["cookies_after_sign_out"] as? [[String: Any]])?.contains { $0["name"] as? String == "cbgw_dashboard" } == false)
            #expect(seen["after_sign_out_path"] as? String == "/dashboard/sign-in")
            #expect(seen["after_sign_out_has_form"] as? Bool == true)
            #expect(FileManager.default.fileExists(atPath: Browser.screenshotFolder + "/03-overview.png"))
        }
    }

    /// `GET /admin/stats` as `date|provider|outcome` → count.
    private func adminStats(port: Int, limitDays: Int) async throws -> [String: Int] {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/admin/stats?limit_days=\(limitDays)")!)
        request.setValue("Bearer \(Self.token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var counts: [String: Int] = [:]
        for day in try #require(json["days"] as? [[String: Any]]) {
            let date = try #require(day["date"] as? String)
            for (provider, outcomes) in try #require(day["providers"] as? [String: [String: Int]]) {
                for (outcome, count) in outcomes { counts["\(date)|\(provider)|\(outcome)"] = count }
            }
        }
        return counts
    }
}
