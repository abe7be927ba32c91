package target

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Page is a unit's allocation for a year as one user sees it: what they may change and which
// neighbouring pages they may open.
type Page struct {
	Allocation
	Rights        Rights
	ParentShown   bool // the reading scope holds the unit above
	RulesEditable bool // the managing scope holds the province committee, whose rules these are
}

// GetPage returns unit's allocation for year as read sees it, with what manage (the scope where
// the user sets targets; empty when they set none) may do with it on today. A unit outside read
// or a year outside 2000–2100 is apperr.ErrNotFound.
func GetPage(ctx context.Context, q pg.Querier, read, manage org.Scope, unit int64, year int, today time.Time) (Page, error) {
	a, err := GetAllocation(ctx, q, read, unit, year)
	if err != nil {
		return Page{}, err
	}
	p := Page{Allocation: a}
	if p.Rights, err = GetRights(ctx, q, manage, a, today); err != nil {
		return p, err
	}
	if a.Unit.ParentID != 0 {
		if p.ParentShown, err = inScope(ctx, q, read, a.Unit.ParentID, a.AsOf); err != nil {
			return p, err
		}
	}
	p.RulesEditable, err = inScope(ctx, q, manage, a.Settings.Province, a.AsOf)
	return p, err
}

// LockNotice says, once the year is locked, who may still change its targets; "" before.
func (p Page) LockNotice() string {
	if !p.Rights.Locked {
		return ""
	}
	who := "chỉ Ban Tổ chức Tỉnh ủy được điều chỉnh."
	if p.Rights.Reason {
		who = "mọi điều chỉnh phải ghi lý do."
	}
	return fmt.Sprintf("Chỉ tiêu năm %d đã khóa từ ngày %s: %s", p.Year, format.Date(*p.Settings.LockDate), who)
}

// forbidden refuses a change the rights do not allow, saying why.
func (p Page) forbidden() error {
	if p.Rights.Locked && !p.Rights.Reason {
		return apperr.Refuse(apperr.ErrForbidden, p.LockNotice())
	}
	return apperr.Refuse(apperr.ErrForbidden, "Đồng chí không được giao chỉ tiêu này: chỉ tiêu của một đơn vị do cấp trên trực tiếp giao.")
}

// Typed is one entry of the allocation page as the user typed it: a number, or a share of a
// base (empty: the unit's members), and the version the page showed.
type Typed struct{ Number, Share, Base, Version string }

// Value is what e stands for in the running sum, as static/targets.js computes it: whether it
// holds a target, the number, and whether that number comes from a well-formed share. members
// is the base of a share typed without one.
func (e Typed) Value(members int) (set bool, n int, fromShare bool) {
	if e.Share != "" {
		share, ok := ParseShare(e.Share)
		base, okBase := members, true
		if e.Base != "" {
			base, okBase = WholeNumber(e.Base)
		}
		if !ok || !okBase {
			return true, 0, false
		}
		return true, FromShare(share, base), true
	}
	if e.Number == "" {
		return false, 0, false
	}
	n, _ = WholeNumber(e.Number)
	return true, n, false
}

// Grid is the allocation page as submitted.
type Grid struct {
	Unit    int64
	Year    int
	Basis   Basis            // whose members the typed shares count; anything but a share basis is ShareOfYear
	Reason  string           // why, required once the year is locked
	Entries map[string]Typed // by field: "total" or UnitField(child); units left out stay as they are
	Preview bool             // only check what was typed and save nothing ("Tính lại tổng")
}

// msgChanged answers a grid saved over targets someone else changed meanwhile.
const msgChanged = "Người khác vừa sửa chỉ tiêu trong lúc đồng chí nhập; số mới của họ ghi ở các dòng được đánh dấu. " +
	"Những gì đồng chí nhập vẫn còn trong ô: bấm “Lưu chỉ tiêu” lần nữa để ghi số của đồng chí, hoặc tải lại trang để xem số mới."

// SaveGrid saves the allocation page g as Allocate saves an AllocationInput, all of it or
// nothing. The unit's own target is ignored when scope may not set it (the page does not offer
// it). With g.Preview it only reads g. Errors: a malformed value is *apperr.Invalid on its field
// ("total", UnitField(child)), as are Allocate's own; when "total" has one, the error's message
// (apperr.Message) is that one, since the page may not show the field. A grid typed over targets
// changed meanwhile is apperr.ErrConflict with a message pointing at the entries Page.Stale
// marks. Allocate's other errors (apperr.ErrNotFound, apperr.ErrForbidden with a message
// saying why) come back as they are.
func SaveGrid(ctx context.Context, db pg.Beginner, scope org.Scope, g Grid, today time.Time) error {
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		p, err := GetPage(ctx, tx, scope, scope, g.Unit, g.Year, today)
		if err != nil {
			return err
		}
		in, err := p.input(g)
		if err != nil || g.Preview {
			return err
		}
		_, _, err = allocate(ctx, tx, scope, in, today, true)
		return err
	})
	var inv *apperr.Invalid
	switch {
	case errors.Is(err, apperr.ErrConflict):
		return apperr.Refuse(apperr.ErrConflict, msgChanged)
	case errors.As(err, &inv) && inv.Fields["total"] != "":
		return invalidTotal{inv}
	}
	return err
}

// invalidTotal is field errors that include one on the unit's own target, whose message is the
// one to show above the form.
type invalidTotal struct{ *apperr.Invalid }

func (e invalidTotal) Unwrap() error   { return e.Invalid }
func (e invalidTotal) Message() string { return "Chưa lưu được: " + e.Fields["total"] }

// input reads g into what Allocate saves.
func (p Page) input(g Grid) (AllocationInput, error) {
	basis := g.Basis
	if !basis.IsShare() {
		basis = ShareOfYear
	}
	in := AllocationInput{Unit: g.Unit, Year: g.Year, Reason: g.Reason}
	inv := &apperr.Invalid{}
	if typed, ok := g.Entries["total"]; ok && p.Rights.Total {
		e := typed.entry("total", p.Unit.Name, p.Members, basis, inv)
		in.Total = &e
	}
	for _, c := range p.Children {
		field := UnitField(c.Unit.ID)
		if typed, ok := g.Entries[field]; ok {
			e := typed.entry(field, c.Unit.Name, c.Members, basis, inv)
			e.UnitID = c.Unit.ID
			in.Children = append(in.Children, e)
		}
	}
	return in, inv.Err()
}

// entry reads the entry of unit name, whose members are the base of a share typed without one:
// a share when one is typed, else a number, else no target. A malformed value is a message on
// field in inv.
func (e Typed) entry(field, name string, members int, basis Basis, inv *apperr.Invalid) Entry {
	out := Entry{}
	out.Version, _ = strconv.Atoi(e.Version)
	if e.Share != "" {
		share, ok := ParseShare(e.Share)
		if !ok {
			inv.Add(field, "Tỷ lệ của "+name+" không hợp lệ: nhập phần trăm, ví dụ 3 hoặc 2,75.")
		}
		base := members
		if e.Base != "" {
			if base, ok = WholeNumber(e.Base); !ok {
				inv.Add(field, "Số đảng viên làm căn cứ của "+name+" phải là số nguyên, ví dụ "+format.Int(int64(max(members, 1)))+".")
			}
		}
		out.Basis, out.Share, out.Base = basis, share, base
		return out
	}
	if e.Number == "" {
		out.Clear = true
		return out
	}
	n, ok := WholeNumber(e.Number)
	if !ok {
		inv.Add(field, "Chỉ tiêu của "+name+" phải là số nguyên không âm, ví dụ 1.300.")
	}
	out.Basis, out.Number = Number, n
	return out
}

// Stale notes, by field, on each entry of g typed over a version that is no longer the current
// one, the value saved meanwhile.
func (p Page) Stale(g Grid) map[string]string {
	notes := map[string]string{}
	note := func(field string, cur Target) {
		seen, ok := g.Entries[field]
		if !ok || seen.Version == "" || seen.Version == strconv.Itoa(cur.Version) {
			return
		}
		now := "không còn chỉ tiêu"
		if cur.Set() {
			now = cur.Describe()
		}
		notes[field] = "Vừa được sửa thành: " + now + "."
	}
	note("total", p.Total)
	for _, c := range p.Children {
		note(UnitField(c.Unit.ID), c.Target)
	}
	return notes
}

// ExpectedPeople is the admissions that pct percent of a target of total asks for: a minimum,
// so rounded up.
func ExpectedPeople(pct float64, total int) int {
	return int(math.Ceil(pct*float64(total)/100 - 1e-9))
}

// WholeNumber reads a whole number typed with or without thousands dots or spaces: "1.300".
func WholeNumber(text string) (int, bool) {
	t := strings.Map(func(r rune) rune {
		if r == '.' || r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, strings.TrimSpace(text))
	if t == "" || len(t) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(t)
	return n, err == nil && n >= 0
}
