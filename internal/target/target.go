// Package target holds the annual admission targets (chỉ tiêu kết nạp đảng viên) and their
// cascade down the Party tree: the province committee enters its own target for a year and
// allocates it to the units directly below; each of them allocates its own to the units below
// it, down to the cells. A target is a number, or a share of the members at the start of the
// year or of the term turned into a number by FromShare. Each province chooses its settings:
// strict allocation, the status thresholds, and per year the lock date and the quarterly
// milestone profile. Compute judges progress against a target; it needs no database, so that
// the dashboards and the API share it. docs/targets.md states every rule.
package target

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
)

// Basis says how a target was set.
type Basis string

// The ways a target is set.
const (
	Number      Basis = "number"     // a number of admissions (số lượng)
	ShareOfYear Basis = "share_year" // a share of the members at the start of the year
	ShareOfTerm Basis = "share_term" // a share of the members at the start of the congress term
)

// Bases lists every basis.
var Bases = []Basis{Number, ShareOfYear, ShareOfTerm}

var basisLabels = map[Basis]string{
	Number:      "Số lượng",
	ShareOfYear: "Tỷ lệ trên số đảng viên đầu năm",
	ShareOfTerm: "Tỷ lệ trên số đảng viên đầu nhiệm kỳ",
}

// Label is the basis's Vietnamese name.
func (b Basis) Label() string { return basisLabels[b] }

// Valid reports whether b is one of Bases.
func (b Basis) Valid() bool { _, ok := basisLabels[b]; return ok }

// IsShare reports whether a target of this basis is a share of a number of members.
func (b Basis) IsShare() bool { return b == ShareOfYear || b == ShareOfTerm }

// Share is a percentage in hundredths of a percent: 300 is 3 %, 275 is 2,75 %. Whole numbers
// keep the rounding rule exact (3 % of 76.174 is 2.285,22 with no binary fraction in between).
type Share int

// MaxShare is 100 %.
const MaxShare Share = 10000

// Percent is the share as a percentage: 2.75 for 2,75 %.
func (s Share) Percent() float64 { return float64(s) / 100 }

// Fraction is the share as a fraction of one: 0.0275 for 2,75 %.
func (s Share) Fraction() float64 { return float64(s) / 10000 }

// Input writes the share as typed into a form, without trailing zeros: "3", "2,75".
func (s Share) Input() string {
	whole, frac := int(s)/100, int(s)%100
	if frac == 0 {
		return strconv.Itoa(whole)
	}
	return strings.TrimSuffix(fmt.Sprintf("%d,%02d", whole, frac), "0")
}

// String writes the share for people: "3 %", "2,75 %".
func (s Share) String() string { return s.Input() + " %" }

// ShareFromFraction turns a fraction of one (0.0275, as a spreadsheet holds 2,75 %) into a
// Share; false when it has more than two decimals of a percent.
func ShareFromFraction(f float64) (Share, bool) {
	h := math.Round(f * 10000)
	if math.IsNaN(f) || math.Abs(f*10000-h) > 1e-6 || h < 0 || h > float64(MaxShare) {
		return 0, false
	}
	return Share(h), true
}

// ParseShare reads a percentage as people type it: "3", "3 %", "2,75", "2.75%". It accepts at
// most two decimals, from 0 to 100.
func ParseShare(text string) (Share, bool) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "%"))
	t = strings.ReplaceAll(t, ",", ".")
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" || len(frac) > 2 || !digits(whole) || (frac != "" && !digits(frac)) || len(whole) > 3 {
		return 0, false
	}
	w, _ := strconv.Atoi(whole)
	f, _ := strconv.Atoi((frac + "00")[:2])
	s := Share(w*100 + f)
	return s, s <= MaxShare
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// FromShare is the target that share of base members sets. A target set as a share is a
// minimum ("at least 3 %"), so it is rounded UP to a whole person: 3 % of 76.174 members is
// 2.285,22, so the target is 2.286. A share that gives a whole number gives that number.
func FromShare(share Share, base int) int {
	return int((int64(share)*int64(base) + int64(MaxShare) - 1) / int64(MaxShare))
}

// Target is a unit's admission target for a year, as recorded.
type Target struct {
	ID      int64
	UnitID  int64
	Year    int
	Basis   Basis
	Share   Share // 0 for a number
	Base    int   // the members the share was applied to; 0 for a number
	Number  int   // the target itself, also for a share
	Version int   // 0 when no target is recorded
}

// Set reports whether a target is recorded.
func (t Target) Set() bool { return t.Version > 0 }

// snapshot is what the audit log keeps of a target; nil (no JSON at all) for none.
func (t Target) snapshot() any {
	if !t.Set() {
		return nil
	}
	m := map[string]any{"year": t.Year, "basis": t.Basis, "target": t.Number}
	if t.Basis.IsShare() {
		m["share"], m["base"] = t.Share.Percent(), t.Base
	}
	return m
}

// describe writes an entry for people: "1.300" or "2.286 (3 % của 76.174 đảng viên đầu năm)".
func describe(e Entry) string {
	if !e.Basis.IsShare() {
		return format.Int(int64(e.Number))
	}
	when := "đầu năm"
	if e.Basis == ShareOfTerm {
		when = "đầu nhiệm kỳ"
	}
	return fmt.Sprintf("%s (%s của %s đảng viên %s)", format.Int(int64(e.Number)), e.Share, format.Int(int64(e.Base)), when)
}

// Describe writes a recorded target for people, as describe does; "" when none is set.
func (t Target) Describe() string {
	if !t.Set() {
		return ""
	}
	return describe(Entry{Basis: t.Basis, Share: t.Share, Base: t.Base, Number: t.Number})
}

// Entry is a target as a user enters it for one unit.
type Entry struct {
	UnitID int64
	Clear  bool // no target: the recorded one, if any, is removed
	Basis  Basis
	Share  Share // with a share basis
	Base   int   // with a share basis: the members at the start of the year or term
	Number int   // with Number; for a share it is FromShare(Share, Base), whatever was typed
	// Version is the target's Version the user saw, 0 when none was recorded. A different
	// current version means someone else changed it: apperr.ErrConflict.
	Version int
}

// MaxNumber bounds a target: more than a province admits in decades is a typing mistake.
const MaxNumber = 1_000_000

// normalise computes the number of a share.
func (e Entry) normalise() Entry {
	if e.Clear {
		return Entry{UnitID: e.UnitID, Clear: true, Version: e.Version}
	}
	if e.Basis == "" {
		e.Basis = Number
	}
	if e.Basis.IsShare() {
		e.Number = FromShare(e.Share, e.Base)
	} else {
		e.Share, e.Base = 0, 0
	}
	return e
}

// validate checks a normalised entry, naming field in the messages it adds to inv.
func (e Entry) validate(field, name string, inv *apperr.Invalid) {
	if e.Clear {
		return
	}
	switch {
	case !e.Basis.Valid():
		inv.Add(field, "Chọn cách giao chỉ tiêu cho "+name+".")
	case e.Basis.IsShare() && (e.Share <= 0 || e.Share > MaxShare):
		inv.Add(field, "Tỷ lệ của "+name+" phải lớn hơn 0 % và không quá 100 %.")
	case e.Basis.IsShare() && (e.Base <= 0 || e.Base > 10*MaxNumber):
		inv.Add(field, "Nhập số đảng viên làm căn cứ tính tỷ lệ cho "+name+".")
	case e.Number < 0:
		inv.Add(field, "Chỉ tiêu của "+name+" không được âm.")
	case e.Number > MaxNumber:
		inv.Add(field, "Chỉ tiêu của "+name+" quá lớn.")
	}
}

// differs reports whether saving e would change t.
func (e Entry) differs(t Target) bool {
	if e.Clear {
		return t.Set()
	}
	return !t.Set() || e.Basis != t.Basis || e.Number != t.Number || e.Share != t.Share || e.Base != t.Base
}

// UnitField is the field name under which Allocate reports a problem with a unit's entry, and
// the name of its entry on the allocation page; the unit's own target is "total".
func UnitField(unit int64) string { return "u" + strconv.FormatInt(unit, 10) }
