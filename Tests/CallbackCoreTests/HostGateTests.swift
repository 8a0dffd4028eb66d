import CallbackCore
import Testing

@Suite("Host gate: attempts in flight per host, and a circuit for a failing host")
struct HostGateTests {
    @Test("at most the bound is in flight to one host; other hosts are not held back")
    func bound() {
        var gate = HostGate(maxInFlightPerHost: 2, failuresToOpen: 5, pause: 30)
        #expect(gate.admit("a.example", now: 0) == .go)
        #expect(gate.admit("a.example", now: 0) == .go)
        #expect(gate.admit("a.example", now: 0) == .wait(1))
        #expect(gate.admit("b.example", now: 0) == .go)
        gate.finish("a.example", succeeded: true, now: 1)
        #expect(gate.admit("a.example", now: 1) == .go)
    }

    @Test("failures in a row pause the host; after the pause one probe goes; its success closes the circuit, its failure pauses again")
    func circuit() {
        var gate = HostGate(maxInFlightPerHost: 8, failuresToOpen: 3, pause: 30)
        for _ in 0..<3 {
            #expect(gate.admit("down.example", now: 0) == .go)
            gate.finish("down.example", succeeded: false, now: 10)
        }
        #expect(gate.admit("down.example", now: 20) == .wait(20))
        #expect(gate.pausedHosts(now: 20) == ["down.example"])
        #expect(gate.admit("up.example", now: 20) == .go)

        #expect(gate.admit("down.example", now: 40) == .go, "the pause is over: one probe")
        #expect(gate.admit("down.example", now: 40) == .wait(1), "the others wait for the probe")
        gate.finish("down.example", succeeded: false, now: 41)
        #expect(gate.admit("down.example", now: 42) == .wait(29))

        #expect(gate.admit("down.example", now: 71) == .go)
        gate.finish("down.example", succeeded: true, now: 72)
        #expect(gate.pausedHosts(now: 72).isEmpty)
        #expect(gate.admit("down.example", now: 72) == .go)
        #expect(gate.admit("down.example", now: 72) == .go)
    }

    @Test("a success between failures starts the count again; an abandoned attempt tells nothing")
    func successResets() {
        var gate = HostGate(maxInFlightPerHost: 8, failuresToOpen: 2, pause: 30)
        _ = gate.admit("h", now: 0)
        gate.finish("h", succeeded: false, now: 0)
        _ = gate.admit("h", now: 0)
        gate.finish("h", succeeded: true, now: 0)
        _ = gate.admit("h", now: 0)
        gate.finish("h", succeeded: false, now: 0)
        _ = gate.admit("h", now: 0)
        gate.abandon("h")
        #expect(gate.admit("h", now: 0) == .go)
        #expect(gate.pausedHosts(now: 0).isEmpty)
    }
}
