#!/usr/bin/env bash
# The acceptance tier of the test suite (by hand): the end-to-end drills marked `.acceptance`
# (Tests/IntegrationTests/Support/AcceptanceTier.swift), too long for every CI run —
#   - orders.yml with three instances, one killed and restarted, 2 h of event time paced at 60x;
#   - churn-risk.yml with event time paced against the wall clock;
#   - three instances of product-views.yml, one killed and one stopped while 50,000 views flow.
# They run one at a time (each runs several runners and a broker). Usage: scripts/accept/end-to-end.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --build-tests >&2
export TRIBUTARY_ACCEPTANCE=1
failed=0
for suite in OrdersTopologyTests ChurnRiskTopologyTests 'ScaleOutTests/killedAndStoppedInstancesLoseNothingAndAnyInstanceAnswers'; do
    if swift test --skip-build --filter "$suite"; then echo "$suite: ok"; else echo "$suite: FAILED"; failed=1; fi
done
if [ "$failed" = 0 ]; then echo PASS; else echo FAIL; exit 1; fi
