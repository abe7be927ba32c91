package report

import (
	"context"
	"maps"
	"time"

	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/register"
)

// FromRegister is the people behind the figures of cell's report for p that its admission
// register gives (register.Count), when the cell keeps a register for that quarter
// (register.Keep); nil otherwise. Those figures are shown read-only and stored as counted, so
// every dashboard reads them like typed ones. The report must have been read in the caller's
// scope (Get): the files counted are all those the cell holds. It returns only database errors.
func FromRegister(ctx context.Context, q pg.Querier, cell int64, p Period) (register.Tally, error) {
	from, kept, err := register.KeptFrom(ctx, q, cell)
	if err != nil {
		return nil, err
	}
	return tallyFrom(ctx, q, cell, p, from, kept)
}

// tallyFrom is FromRegister for a cell whose choice is known: kept from the quarter starting on from.
func tallyFrom(ctx context.Context, q pg.Querier, cell int64, p Period, from time.Time, kept bool) (register.Tally, error) {
	if !kept || p.Start().Before(from) {
		return nil, nil
	}
	return register.Count(ctx, q, org.Everything(), cell, p.Start(), p.LastDay())
}

// withRegister is figs with the figures t gives in place of the typed ones; figs itself is
// left as it was.
func withRegister(figs Figures, t register.Tally) Figures {
	if t == nil {
		return figs
	}
	out := maps.Clone(figs)
	if out == nil {
		out = Figures{}
	}
	for _, k := range register.TallyKeys {
		out[k] = len(t[k])
	}
	return out
}
