#!/usr/bin/env bash
# The arrival-order harness in full (by hand): the shop's traffic fed to each shop topology in every
# arrival order the fast variants in CI use (in process: ArrivalOrderTests, ShopArrivalOrderTests,
# ScarceStockOrderTests), then through `runner run` on a dev broker — orders.yml from a backlog over 1
# and 4 partitions (OrdersReplayTests), the other shop topologies from a backlog over 1 and 6
# partitions and again as a replay at full speed after `runner reset` (ShopReplayTests, acceptance
# tier), and the dashboard on two instances fed one topic after another (DashboardTopologyTests).
# Every outcome is compared with event-time order or an independent reference; docs/SHOP.md,
# "Arrival order", states what each topology tolerates. Usage: scripts/accept/arrival-orders.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --build-tests >&2
export TRIBUTARY_ACCEPTANCE=1
failed=0
for suite in IntegrationTests.ArrivalOrderTests ShopArrivalOrderTests ScarceStockOrderTests OrdersReplayTests ShopReplayTests DashboardTopologyTests; do
    if swift test --skip-build --filter "$suite"; then echo "$suite: ok"; else echo "$suite: FAILED"; failed=1; fi
done
if [ "$failed" = 0 ]; then echo PASS; else echo FAIL; exit 1; fi
