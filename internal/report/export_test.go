package report

import (
	"context"
	"time"
)

// ImportFiguresPerRow is the per-row import ImportFigures replaced, for comparing the two.
var ImportFiguresPerRow = importFiguresPerRow

// SetImportHook sets ImportFigures's time budget and a hook run at each step (see testHook),
// until the returned function restores both. Not for parallel tests.
func SetImportHook(budget time.Duration, hook func(ctx context.Context, step string)) (restore func()) {
	oldBudget, oldHook := importBudget, testHook
	importBudget, testHook = budget, hook
	return func() { importBudget, testHook = oldBudget, oldHook }
}
