package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/exchange"
	"ptdang/internal/org"
)

// importFlags are the flags of `ptdang import`, parsed with the common ones.
type importFlags struct {
	dryRun *bool
	table  *string
}

func newImportFlags(fs *flag.FlagSet) importFlags {
	return importFlags{
		dryRun: fs.Bool("dry-run", false, "check the file and report what would change, writing nothing"),
		table:  fs.String("table", "party", "for a .csv file: party, admin or links"),
	}
}

// importStructure runs `ptdang import [-dry-run] [-table T] FILE`: the structure import of the
// web page, for the operator. It prints what changed, or every problem, and fails on problems.
func importStructure(ctx context.Context, db *pgxpool.Pool, fl importFlags, args []string, stdout io.Writer) error {
	dryRun, table := fl.dryRun, fl.table
	if len(args) != 1 {
		return errors.New("import: want one FILE (.xlsx with the structure sheets, or .csv with -table)")
	}
	tables := map[string]exchange.Table{"party": org.PartyTable, "admin": org.AdminTable, "links": org.LinkTable}
	t, ok := tables[*table]
	if !ok {
		return fmt.Errorf("-table %q: want party, admin or links", *table)
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := org.ImportStructure(ctx, db, org.Everything().As(cliActor()), f, f.Name(), t, *dryRun)
	if err != nil {
		return err
	}
	if len(rep.Problems) > 0 {
		for _, p := range rep.Problems {
			fmt.Fprintln(stdout, p.String())
		}
		return fmt.Errorf("%d problems: nothing was written", len(rep.Problems))
	}
	for _, c := range rep.Changes {
		fmt.Fprintln(stdout, c)
	}
	verb := "imported"
	if rep.DryRun {
		verb = "dry run, nothing written; would import"
	}
	fmt.Fprintf(stdout, "%s: %d created, %d updated, %d closed, %d unchanged\n", verb, rep.Created, rep.Updated, rep.Closed, rep.Unchanged)
	return nil
}
