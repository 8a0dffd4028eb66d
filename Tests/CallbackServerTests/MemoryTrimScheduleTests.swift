import CallbackServer
import Testing

@Suite("MemoryTrimSchedule")
struct MemoryTrimScheduleTests {
    @Test("a flood's end trims at that look and once more at the next; steady connections never trim")
    func trimsTwiceAfterADrop() {
        var schedule = MemoryTrimSchedule(threshold: 500)
        // (most open since the last look, open now) at successive looks, and whether each trims.
        let looks: [(highest: Int, open: Int, trims: Bool)] = [
            (10, 10, false),
            (4000, 4000, false),  // the flood is open
            (4000, 300, true),    // most of it has closed
            (300, 0, true),       // the rest closed, and what the first trim came too early for is freed
            (0, 0, false),
            (600, 100, true),
            (100, 100, true),
            (100, 100, false),
            (499, 0, false),      // fewer than the threshold closed
        ]
        for (index, look) in looks.enumerated() {
            #expect(schedule.shouldTrim(highest: look.highest, open: look.open) == look.trims, "look \(index)")
        }
    }
}
