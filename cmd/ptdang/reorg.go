package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
)

const reorgUsage = `ptdang reorg: record a reorganisation (sắp xếp tổ chức) in either tree

  ptdang reorg rename -tree party|admin -code CODE -name "New name" [-local-word WORD] -effective DATE [-note TEXT]
  ptdang reorg move   -tree party|admin -code CODE -parent CODE -effective DATE [-note TEXT]
  ptdang reorg merge  -tree party|admin -into NEWCODE -name "Name" -effective DATE [-parent CODE] [-note TEXT] CODE CODE...
  ptdang reorg split  -tree party|admin -code CODE -effective DATE [-note TEXT] NEWCODE:SHARE:Name NEWCODE:SHARE:Name...

DATE is dd/mm/yyyy or yyyy-mm-dd. New units take the kind, type or level, local word and parent of
the (first) old unit (a merge's -parent may say otherwise); SHARE is the part of the old unit's
figures the new one takes (0.4 or 40%), and the shares add up to 1.
`

// reorg runs `ptdang reorg VERB` against db with the Everything scope: the command line is the
// operator's tool.
func reorg(ctx context.Context, db *pgxpool.Pool, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, reorgUsage)
		return errors.New("reorg: want rename, move, merge or split")
	}
	verb := args[0]
	fs := flag.NewFlagSet("ptdang reorg "+verb, flag.ContinueOnError)
	tree := fs.String("tree", "party", "party or admin")
	code := fs.String("code", "", "code of the unit to change")
	name := fs.String("name", "", "new name")
	localWord := fs.String("local-word", "", "admin tree: what the unit is now called (xã, thị trấn, khu phố…)")
	parent := fs.String("parent", "", "code of the new parent")
	into := fs.String("into", "", "code of the unit a merge creates")
	effective := fs.String("effective", "", "first day of the new shape")
	note := fs.String("note", "", "the decision that ordered it")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	t := org.Tree(*tree)
	if t != org.PartyTree && t != org.AdminTree {
		return fmt.Errorf("-tree %q: want party or admin", *tree)
	}
	day, err := format.ParseDate(*effective)
	if err != nil {
		return fmt.Errorf("-effective: %w", err)
	}
	r := org.Reorg{Effective: day, Note: *note}
	all := org.Everything().As(cliActor())
	lookup := func(code string) (int64, error) {
		if t == org.PartyTree {
			u, err := org.GetPartyUnitByCode(ctx, db, all, code, day.AddDate(0, 0, -1))
			return u.ID, err
		}
		u, err := org.GetAdminUnitByCode(ctx, db, all, code, day.AddDate(0, 0, -1))
		return u.ID, err
	}
	var id, parentID int64
	if *code != "" {
		if id, err = lookup(*code); err != nil {
			return fmt.Errorf("-code %s: %w", *code, err)
		}
	}
	if *parent != "" {
		if parentID, err = lookup(*parent); err != nil {
			return fmt.Errorf("-parent %s: %w", *parent, err)
		}
	}

	switch verb {
	case "rename":
		if t == org.AdminTree {
			err = org.RenameAdminUnit(ctx, db, all, r, id, *name, *localWord)
		} else {
			err = org.RenameUnit(ctx, db, all, t, r, id, *name)
		}
	case "move":
		err = org.MoveUnit(ctx, db, all, t, r, id, parentID)
	case "merge":
		var preds []int64
		for _, c := range fs.Args() {
			p, err := lookup(c)
			if err != nil {
				return fmt.Errorf("%s: %w", c, err)
			}
			preds = append(preds, p)
		}
		if len(preds) == 0 {
			return errors.New("merge: list the codes of the units to merge")
		}
		_, err = mergeLike(ctx, db, t, r, preds, *into, *name, parentID)
	case "split":
		_, err = split(ctx, db, t, r, id, fs.Args())
	default:
		fmt.Fprint(stdout, reorgUsage)
		return fmt.Errorf("reorg %q: want rename, move, merge or split", verb)
	}
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(stdout, "reorg %s: recorded, effective %s\n", verb, format.Date(day))
	return nil
}

// template returns the attributes a merged unit inherits from old on the day before day.
func template(ctx context.Context, db *pgxpool.Pool, t org.Tree, old int64, day time.Time) (org.PartyUnitInput, org.AdminUnitInput, error) {
	all := org.Everything().As(cliActor())
	if t == org.PartyTree {
		u, err := org.GetPartyUnit(ctx, db, all, old, day.AddDate(0, 0, -1))
		return org.PartyUnitInput{Kind: u.Kind, OrgType: u.OrgType, ParentID: u.ParentID, TermMonths: u.TermMonths}, org.AdminUnitInput{}, err
	}
	u, err := org.GetAdminUnit(ctx, db, all, old, day.AddDate(0, 0, -1))
	return org.PartyUnitInput{}, org.AdminUnitInput{Level: u.Level, LocalWord: u.LocalWord, ParentID: u.ParentID}, err
}

func mergeLike(ctx context.Context, db *pgxpool.Pool, t org.Tree, r org.Reorg, preds []int64, code, name string, parent int64) (int64, error) {
	p, a, err := template(ctx, db, t, preds[0], r.Effective)
	if err != nil {
		return 0, err
	}
	if t == org.PartyTree {
		p.Code, p.Name = code, name
		if parent != 0 {
			p.ParentID = parent
		}
		return org.MergePartyUnits(ctx, db, org.Everything().As(cliActor()), r, preds, p)
	}
	a.Code, a.Name = code, name
	if parent != 0 {
		a.ParentID = parent
	}
	return org.MergeAdminUnits(ctx, db, org.Everything().As(cliActor()), r, preds, a)
}

func split(ctx context.Context, db *pgxpool.Pool, t org.Tree, r org.Reorg, old int64, specs []string) ([]int64, error) {
	var parts []org.NewPart
	for _, spec := range specs {
		fields := strings.SplitN(spec, ":", 3)
		if len(fields) != 3 {
			return nil, fmt.Errorf("%q: want NEWCODE:SHARE:Name", spec)
		}
		share, err := parseShare(fields[1])
		if err != nil {
			return nil, fmt.Errorf("%q: %w", spec, err)
		}
		parts = append(parts, org.NewPart{Code: fields[0], Name: fields[2], Share: share})
	}
	return org.SplitInto(ctx, db, org.Everything().As(cliActor()), t, r, old, parts)
}

// parseShare reads 0.4, 0,4 or 40%.
func parseShare(s string) (float64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if err != nil {
		return 0, fmt.Errorf("share %q: want 0.4 or 40%%", s)
	}
	if pct {
		v /= 100
	}
	return v, nil
}

// explain spells out a domain error for the terminal: each field and its Vietnamese message.
func explain(err error) error {
	var inv *apperr.Invalid
	if !errors.As(err, &inv) {
		return err
	}
	var b strings.Builder
	b.WriteString("refused:")
	for field, msg := range inv.Fields {
		fmt.Fprintf(&b, "\n  %s: %s", field, msg)
	}
	return errors.New(b.String())
}
