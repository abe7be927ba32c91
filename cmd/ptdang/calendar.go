package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/calendar"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/register"
)

const calendarUsage = `ptdang calendar: the working-day calendar (docs/calendar.md), for the operator

  ptdang calendar list [-year YEAR]        the year's days off, with why (default: this year)
  ptdang calendar add -day YYYY-MM-DD -kind off|working -note "the announcement"
  ptdang calendar remove -day YYYY-MM-DD

add records a day the government announced as off, or a weekend day worked in exchange;
remove deletes such a day. Both are audited in the operator's name, and work out again the
register's deadlines of the open files (their working days change).
`

func calendarCommand(ctx context.Context, db *pgxpool.Pool, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, calendarUsage)
		return errors.New("calendar: want list, add or remove")
	}
	fs := flag.NewFlagSet("ptdang calendar "+args[0], flag.ContinueOnError)
	year := fs.Int("year", format.Today(time.Now()).Year(), "year to list")
	dayText := fs.String("day", "", "the day, YYYY-MM-DD")
	kind := fs.String("kind", "", "off or working")
	note := fs.String("note", "", "the announcement")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	scope := org.Everything().As(cliActor())
	var day time.Time
	if args[0] != "list" {
		var err error
		if day, err = time.Parse(time.DateOnly, *dayText); err != nil {
			return fmt.Errorf("-day %q: want YYYY-MM-DD", *dayText)
		}
	}
	switch args[0] {
	case "list":
		c, err := calendar.Load(ctx, db)
		if err != nil {
			return err
		}
		for _, d := range c.DayOffs(*year) {
			fmt.Fprintf(stdout, "%s  %s\n", d.Format("02/01/2006"), c.Describe(d))
		}
		exceptions, err := calendar.Exceptions(ctx, db, *year)
		if err != nil {
			return err
		}
		for _, e := range exceptions {
			if e.Kind == calendar.WorkingDay {
				fmt.Fprintf(stdout, "%s  %s: %s\n", e.Day.Format("02/01/2006"), e.Kind.Label(), e.Note)
			}
		}
		return nil
	case "add":
		if err := explain(calendar.AddException(ctx, db, scope, calendar.Exception{Day: day, Kind: calendar.Kind(*kind), Note: *note})); err != nil {
			return err
		}
		return resummarise(ctx, db, stdout)
	case "remove":
		if err := calendar.RemoveException(ctx, db, scope, day); err != nil {
			return fmt.Errorf("-day %s: %w (no day off or make-up day is stored for it)", *dayText, err)
		}
		return resummarise(ctx, db, stdout)
	}
	fmt.Fprint(stdout, calendarUsage)
	return fmt.Errorf("calendar %q: want list, add or remove", args[0])
}

// resummarise works out again the register's deadlines that a calendar change made stale: every
// open file's, not only those marked, since a run going during the change (a server's) may have
// cleared a file's mark with the old calendar.
func resummarise(ctx context.Context, db *pgxpool.Pool, stdout io.Writer) error {
	n, err := register.Resummarise(ctx, db, true)
	if err == nil {
		fmt.Fprintf(stdout, "Đã tính lại thời hạn của %s hồ sơ theo lịch mới.\n", format.Int(int64(n)))
	}
	return err
}
