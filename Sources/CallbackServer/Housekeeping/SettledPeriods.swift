import CallbackCore

/// The period each job was last settled for on this replica (run here, or found done), so the scheduler does not
/// ask the database again until a new period begins.
actor SettledPeriods {
    private var periods: [JobName: JobPeriod] = [:]

    func isSettled(_ job: JobName, _ period: JobPeriod) -> Bool { periods[job] == period }

    func settle(_ job: JobName, _ period: JobPeriod) { periods[job] = period }
}
