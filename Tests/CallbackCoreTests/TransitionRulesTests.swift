import CallbackCore
import Testing

@Suite("Transition rules")
struct TransitionRulesTests {
    @Test("rule 1: only sending and pending may change", arguments: NotificationStatus.allCases)
    func inFlight(status: NotificationStatus) {
        #expect(InFlightRule.allowsChange(from: status) == [.sending, .pending].contains(status))
    }

    @Test("rule 2: an unclassified failure is temporary only while pending")
    func failureClassification() {
        #expect(FailureClassificationRule.status(for: .failure, from: .pending) == .temporaryFailure)
        #expect(FailureClassificationRule.status(for: .failure, from: .sending) == .permanentFailure)
        #expect(FailureClassificationRule.status(for: .temporaryFailure, from: .sending) == .temporaryFailure)
        #expect(FailureClassificationRule.status(for: .permanentFailure, from: .pending) == .permanentFailure)
        #expect(FailureClassificationRule.status(for: .complaint, from: .sending) == nil)
    }

    @Test("rule 3: the same status again changes nothing")
    func sameStatus() {
        #expect(SameStatusRule.isDuplicate(current: .pending, next: .pending))
        #expect(!SameStatusRule.isDuplicate(current: .sending, next: .pending))
    }

    @Test("rule 4: no notification, or one still created, means wait")
    func notYet() {
        #expect(NotYetRule.mustWait(current: nil))
        #expect(NotYetRule.mustWait(current: .created))
        #expect(!NotYetRule.mustWait(current: .sending))
        #expect(!NotYetRule.mustWait(current: .delivered))
    }

    @Test("rule 5: no target means unmapped")
    func unmapped() {
        #expect(UnmappedRule.applies(to: nil))
        #expect(!UnmappedRule.applies(to: .delivered))
    }

    @Test("rule 6: an event that is not about delivery is ignored, whatever the notification, and never waits")
    func ignored() {
        for current in NotificationStatus.allCases.map({ Optional($0) }) + [nil] {
            #expect(TransitionRules.decide(target: .ignore, current: current) == .ignored)
            #expect(TransitionRules.decide(target: .ignore, current: current, earlierWaiting: true) == .ignored)
        }
        #expect(IgnoreRule.applies(to: .ignore))
        #expect(!IgnoreRule.applies(to: .complaint))
    }

    @Test("rule 4, in order: behind an earlier waiting receipt every mapped receipt waits; an unmapped one does not")
    func behindEarlier() {
        for target in MappingTarget.allCases where target != .ignore {
            #expect(TransitionRules.decide(target: target, current: .sending, earlierWaiting: true) == .waiting)
        }
        #expect(TransitionRules.decide(target: nil, current: .sending, earlierWaiting: true) == .unmapped)
    }

    @Test("the decisions the database receives are the rules for every status, a write read as a duplicate")
    func decisionsTable() {
        for target in MappingTarget.allCases.map({ Optional($0) }) + [nil] {
            for giving in [false, true] {
                let decisions = ReceiptDecisions(target: target, givingUp: giving)
                #expect(decisions.plan == TransitionRules.plan(for: target))
                #expect(decisions.outcomesWhenUnchanged.count == NotificationStatus.allCases.count + 1)
                for current in NotificationStatus.allCases.map({ Optional($0) }) + [nil] {
                    var expected = TransitionRules.decide(target: target, current: current).outcome
                    if expected == .applied { expected = .duplicate }
                    if expected == .waiting, giving { expected = .orphaned }
                    #expect(decisions.outcomeWhenUnchanged(current: current) == expected, "\(target?.rawValue ?? "unmapped") \(current?.rawValue ?? "none")")
                }
                let behind = TransitionRules.decide(target: target, current: .sending, earlierWaiting: true).outcome
                #expect(decisions.outcomeBehindEarlier == (behind == .waiting && giving ? .orphaned : behind))
            }
        }
    }

    @Test("decisions of the documented examples")
    func examples() {
        // Firetext 1 from sending → permanent; after 2 (pending) → temporary.
        #expect(TransitionRules.decide(target: .failure, current: .sending) == .write(.permanentFailure))
        #expect(TransitionRules.decide(target: .failure, current: .pending) == .write(.temporaryFailure))
        // MMG 4 from sending keeps the provider's classification.
        #expect(TransitionRules.decide(target: .temporaryFailure, current: .sending) == .write(.temporaryFailure))
        // Delivered, then a bounce: unchanged.
        #expect(TransitionRules.decide(target: .permanentFailure, current: .delivered) == .duplicate)
        #expect(TransitionRules.decide(target: .pending, current: .pending) == .duplicate)
        #expect(TransitionRules.decide(target: .delivered, current: nil) == .waiting)
        #expect(TransitionRules.decide(target: .delivered, current: .created) == .waiting)
        #expect(TransitionRules.decide(target: nil, current: .sending) == .unmapped)
        #expect(TransitionRules.decide(target: nil, current: nil) == .unmapped)
        #expect(TransitionRules.decide(target: .complaint, current: .delivered) == .complaint)
        #expect(TransitionRules.decide(target: .complaint, current: nil) == .waiting)
        #expect(TransitionRules.decide(target: .delivered, current: .sent) == .duplicate)
    }

    @Test("a final status never changes, whatever the receipt", arguments: MappingTarget.allCases)
    func finalsAreFinal(target: MappingTarget) {
        for current in NotificationStatus.allCases where !current.isInFlight && current != .created {
            #expect(TransitionRules.decide(target: target, current: current).statusWritten == nil)
        }
    }

    @Test("the plan the database carries out, target by target")
    func plan() {
        let expected: [MappingTarget?: TransitionPlan] = [
            .delivered: TransitionPlan(fromSending: .delivered, fromPending: .delivered),
            .pending: TransitionPlan(fromSending: .pending, fromPending: nil),
            .temporaryFailure: TransitionPlan(fromSending: .temporaryFailure, fromPending: .temporaryFailure),
            .permanentFailure: TransitionPlan(fromSending: .permanentFailure, fromPending: .permanentFailure),
            .technicalFailure: TransitionPlan(fromSending: .technicalFailure, fromPending: .technicalFailure),
            .failure: TransitionPlan(fromSending: .permanentFailure, fromPending: .temporaryFailure),
            .complaint: TransitionPlan(fromSending: nil, fromPending: nil),
            .ignore: TransitionPlan(fromSending: nil, fromPending: nil),
            nil: TransitionPlan(fromSending: nil, fromPending: nil),
        ]
        for (target, plan) in expected {
            #expect(TransitionRules.plan(for: target) == plan, "\(target?.rawValue ?? "unmapped")")
        }
        #expect(expected.count == MappingTarget.allCases.count + 1)
    }
}

@Suite("Retry schedule")
struct RetryScheduleTests {
    @Test("1 s doubling to 5 minutes")
    func backoff() {
        let schedule = RetrySchedule.standard
        #expect((1...11).map { schedule.delay(afterAttempts: $0) } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300])
        #expect(schedule.delay(afterAttempts: 10_000) == 300)
        #expect(schedule.delay(afterAttempts: 0) == 1)
    }

    @Test("given up after 30 minutes")
    func giveUp() {
        #expect(!RetrySchedule.standard.shouldGiveUp(age: 1799))
        #expect(RetrySchedule.standard.shouldGiveUp(age: 1800))
    }
}
