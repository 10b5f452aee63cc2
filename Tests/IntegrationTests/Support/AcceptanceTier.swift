import Foundation
import Testing

/// The acceptance tier: end-to-end drills too long for every CI run — several instances with one
/// killed, event time paced against the wall clock for minutes. They run by hand with
/// `scripts/accept/end-to-end.sh` (which sets `TRIBUTARY_ACCEPTANCE=1`); CI covers the same topologies
/// with their own test cases, in-process arrival-order variants and the shorter end-to-end runs.
extension Trait where Self == ConditionTrait {
    static var acceptance: Self {
        .enabled(
            if: ProcessInfo.processInfo.environment["TRIBUTARY_ACCEPTANCE"] == "1",
            "an acceptance drill: scripts/accept/end-to-end.sh runs it"
        )
    }
}
