package server

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/target"
	"ptdang/web"
)

const targetPageTitle = "Chỉ tiêu kết nạp"

// targetPage shows a unit's target for a year and its allocation to the units below it,
// editable where the user may set them.
func (s *Server) targetPage(w http.ResponseWriter, r *http.Request, c caller) {
	unit, year, err := s.targetUnitYear(r, c.Scope, false, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := target.GetAllocation(r.Context(), s.DB, c.Scope, unit, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rights, err := target.GetRights(r.Context(), s.DB, manageScope(r, c), a, s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.allocationView(r, c, a, rights, nil, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("saved") != "" {
		v.Message = "Đã lưu chỉ tiêu."
	}
	s.render(w, r, http.StatusOK, web.TargetAllocation(c.page(targetPageTitle, "targets"), v))
}

// entryKey is the form name of a unit's entry on the allocation page.
func entryKey(a target.Allocation, unit int64) string {
	if unit == a.Unit.ID {
		return "total"
	}
	return "u" + strconv.FormatInt(unit, 10)
}

// targetSave saves the allocation page: all of it or nothing. "Tính lại tổng" (action
// preview) only recomputes the sum and the difference, for browsers without JavaScript.
func (s *Server) targetSave(w http.ResponseWriter, r *http.Request, c caller) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	unit, year, err := s.targetUnitYear(r, c.Scope, true, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	a, err := target.GetAllocation(ctx, s.DB, c.Scope, unit, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rights, err := target.GetRights(ctx, s.DB, c.Scope, a, s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	basis := target.Basis(f.text("basis"))
	if !basis.IsShare() {
		basis = target.ShareOfYear
	}
	in := target.AllocationInput{Unit: unit, Year: year, Reason: f.text("reason")}
	if rights.Total && f.values.Has("total") {
		e := readEntry(f, "total", a.Unit.Name, a.Members, basis)
		in.Total = &e
	}
	for _, ch := range a.Children {
		if key := entryKey(a, ch.Unit.ID); f.values.Has(key) {
			e := readEntry(f, key, ch.Unit.Name, ch.Members, basis)
			e.UnitID = ch.Unit.ID
			in.Children = append(in.Children, e)
		}
	}
	page := c.page(targetPageTitle, "targets")
	rerender := func(status int, a target.Allocation, keepVersions bool, msg string) {
		v, err := s.allocationView(r, c, a, rights, f, keepVersions)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Error = msg
		s.render(w, r, status, web.TargetAllocation(page, v))
	}
	if f.text("action") == "preview" {
		rerender(http.StatusOK, a, true, "")
		return
	}
	if f.inv.Err() != nil {
		rerender(http.StatusUnprocessableEntity, a, true, msgFixErrors)
		return
	}
	_, _, err = target.Allocate(ctx, s.DB, c.Scope, in, s.today())
	var inv *apperr.Invalid
	switch {
	case err == nil:
		http.Redirect(w, r, targetHref("/targets", unit, year)+"&saved=1", http.StatusSeeOther)
	case errors.As(err, &inv):
		for field, msg := range inv.Fields {
			if id, ok := strings.CutPrefix(field, "unit-"); ok {
				field = "u" + id
			}
			f.inv.Add(field, msg)
		}
		msg := msgFixErrors
		if m := inv.Fields["total"]; m != "" {
			msg = "Chưa lưu được: " + m
		}
		rerender(http.StatusUnprocessableEntity, a, true, msg)
	case errors.Is(err, apperr.ErrConflict):
		fresh, err := target.GetAllocation(ctx, s.DB, c.Scope, unit, year)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		markChanged(f, fresh)
		rerender(http.StatusConflict, fresh, false, "Người khác vừa sửa chỉ tiêu trong lúc đồng chí nhập; số mới của họ ghi ở các dòng được đánh dấu. "+
			"Những gì đồng chí nhập vẫn còn trong ô: bấm “Lưu chỉ tiêu” lần nữa để ghi số của đồng chí, hoặc tải lại trang để xem số mới.")
	case errors.Is(err, apperr.ErrForbidden):
		msg := "Đồng chí không được giao chỉ tiêu này: chỉ tiêu của một đơn vị do cấp trên trực tiếp giao."
		if rights.Locked {
			msg = fmt.Sprintf("Chỉ tiêu năm %d đã khóa từ ngày %s: chỉ Ban Tổ chức Tỉnh ủy được điều chỉnh.", year, format.Date(*a.Settings.LockDate))
		}
		rerender(http.StatusForbidden, a, true, msg)
	default:
		s.fail(w, r, err)
	}
}

// markChanged notes, on each entry whose version in f is not the current one in fresh, the
// value someone else saved meanwhile.
func markChanged(f *form, fresh target.Allocation) {
	note := func(key string, cur target.Target) {
		seen := f.text(key + "_version")
		if seen == "" || seen == strconv.Itoa(cur.Version) {
			return
		}
		now := "không còn chỉ tiêu"
		if cur.Set() {
			now = cur.Describe()
		}
		f.inv.Add(key, "Vừa được sửa thành: "+now+".")
	}
	note("total", fresh.Total)
	for _, c := range fresh.Children {
		note(entryKey(fresh, c.Unit.ID), c.Target)
	}
}

// readEntry reads one entry of the allocation page: a share when one is typed, else a number,
// else no target. Malformed values become field errors naming the unit.
func readEntry(f *form, key, name string, members int, basis target.Basis) target.Entry {
	e := target.Entry{}
	if v, err := strconv.Atoi(f.text(key + "_version")); err == nil {
		e.Version = v
	}
	if t := f.text(key + "_share"); t != "" {
		share, ok := target.ParseShare(t)
		if !ok {
			f.inv.Add(key, "Tỷ lệ của "+name+" không hợp lệ: nhập phần trăm, ví dụ 3 hoặc 2,75.")
		}
		base := members
		if bt := f.text(key + "_base"); bt != "" {
			var ok bool
			if base, ok = wholeNumber(bt); !ok {
				f.inv.Add(key, "Số đảng viên làm căn cứ của "+name+" phải là số nguyên, ví dụ 76.174.")
			}
		}
		e.Basis, e.Share, e.Base = basis, share, base
		return e
	}
	t := f.text(key)
	if t == "" {
		e.Clear = true
		return e
	}
	n, ok := wholeNumber(t)
	if !ok {
		f.inv.Add(key, "Chỉ tiêu của "+name+" phải là số nguyên không âm, ví dụ 1.300.")
	}
	e.Basis, e.Number = target.Number, n
	return e
}

// entryView is the page's view of one target: the recorded one, or what was typed into f.
func entryView(a target.Allocation, unit org.PartyUnit, t target.Target, members int, editable bool, f *form, keepVersion bool) web.TargetEntryView {
	key := entryKey(a, unit.ID)
	e := web.TargetEntryView{Key: key, Name: unit.Name, Kind: unit.Kind.Label(), Editable: editable,
		Href: targetHref("/targets", unit.ID, a.Year), DefaultBase: strconv.Itoa(members),
		Version: strconv.Itoa(t.Version), Text: t.Describe()}
	if t.Set() {
		e.Number = format.Int(int64(t.Number))
		if t.Basis.IsShare() {
			e.Share, e.Base, e.ShareApplied = t.Share.Input(), format.Int(int64(t.Base)), true
		}
	}
	if f != nil && editable && f.values.Has(key) {
		e.Number, e.Share, e.Base = f.text(key), f.text(key+"_share"), f.text(key+"_base")
		if keepVersion {
			e.Version = f.text(key + "_version")
		}
		if n, ok := shareValue(e); ok {
			e.Number, e.ShareApplied = format.Int(int64(n)), true
		}
	}
	if !editable && e.Share != "" {
		e.Share += " %"
	}
	if f != nil {
		e.Error = f.inv.Fields[key]
	}
	return e
}

// shareValue is the number an entry's typed share gives, as static/targets.js computes it.
func shareValue(e web.TargetEntryView) (int, bool) {
	if e.Share == "" {
		return 0, false
	}
	share, ok := target.ParseShare(strings.TrimSuffix(e.Share, " %"))
	base := e.Base
	if base == "" {
		base = e.DefaultBase
	}
	n, okBase := wholeNumber(base)
	if !ok || !okBase {
		return 0, false
	}
	return target.FromShare(share, n), true
}

// entryValue is what an entry stands for in the running sum: whether it holds a target, and
// the number; static/targets.js computes the same in the browser.
func entryValue(e web.TargetEntryView) (bool, int) {
	if e.Share != "" {
		n, _ := shareValue(e)
		return true, n
	}
	if strings.TrimSpace(e.Number) == "" {
		return false, 0
	}
	n, _ := wholeNumber(e.Number)
	return true, n
}

// allocationSummary writes the sum, the difference from the total and what it means, in the
// words static/targets.js uses.
func allocationSummary(totalSet bool, total, sum, allocated int) (sumText, diffText, note string, warn bool) {
	diff := sum - total
	switch {
	case diff > 0:
		diffText = "+" + format.Int(int64(diff))
	case diff < 0:
		diffText = "-" + format.Int(int64(-diff))
	default:
		diffText = "0"
	}
	switch {
	case !totalSet:
		note = "Đơn vị chưa có chỉ tiêu"
	case diff == 0:
		note = "Khớp với chỉ tiêu"
	case diff < 0:
		note = "Còn thiếu " + format.Int(int64(-diff)) + " so với chỉ tiêu"
	default:
		note = "Vượt " + format.Int(int64(diff)) + " so với chỉ tiêu"
	}
	return format.Int(int64(sum)), diffText, note, allocated > 0 && (!totalSet || diff != 0)
}

// allocationView builds the allocation page from a, showing what was typed into f when it is
// not nil (a failed save or a preview), with its versions when keepVersions.
func (s *Server) allocationView(r *http.Request, c caller, a target.Allocation, rights target.Rights, f *form, keepVersions bool) (web.TargetAllocationView, error) {
	ctx, today := r.Context(), s.today()
	v := web.TargetAllocationView{UnitID: strconv.FormatInt(a.Unit.ID, 10), Year: strconv.Itoa(a.Year),
		Title:    fmt.Sprintf("Chỉ tiêu kết nạp năm %d: %s", a.Year, a.Unit.Name),
		Subtitle: a.Unit.Kind.Label() + " · cơ cấu tại ngày " + format.Date(a.AsOf),
		PrevYear: web.Link{Label: strconv.Itoa(a.Year - 1), Href: targetHref("/targets", a.Unit.ID, a.Year-1)},
		NextYear: web.Link{Label: strconv.Itoa(a.Year + 1), Href: targetHref("/targets", a.Unit.ID, a.Year+1)},
		Reason:   web.Field{Name: "reason", Label: "Lý do điều chỉnh"}, ReasonRequired: rights.Reason,
		CanSave: rights.Total || (rights.Children && len(a.Children) > 0)}
	if a.Unit.ParentID != 0 {
		if _, err := org.GetPartyUnit(ctx, s.DB, c.Scope, a.Unit.ParentID, a.AsOf); err == nil {
			v.Up = &web.Link{Label: "← Chỉ tiêu của " + a.Unit.ParentName, Href: targetHref("/targets", a.Unit.ParentID, a.Year)}
		} else if !errors.Is(err, apperr.ErrNotFound) {
			return v, err
		}
	}
	v.Total = entryView(a, a.Unit, a.Total, a.Members, rights.Total, f, keepVersions)
	if !rights.Total {
		v.TotalValue = v.Total.Number
	}
	totalSet, total := entryValue(v.Total)
	sum, allocated := 0, 0
	basis := target.ShareOfYear
	if a.Total.Basis.IsShare() {
		basis = a.Total.Basis
	}
	for _, ch := range a.Children {
		e := entryView(a, ch.Unit, ch.Target, ch.Members, rights.Children, f, keepVersions)
		v.Rows = append(v.Rows, e)
		if set, n := entryValue(e); set {
			sum += n
			allocated++
		}
		if ch.Target.Basis.IsShare() {
			basis = ch.Target.Basis
		}
	}
	if !a.Unit.Kind.IsCell() {
		v.ChildrenTitle = fmt.Sprintf("Giao cho các đơn vị trực thuộc (%d)", len(a.Children))
	}
	v.SumText, v.DiffText, v.NoteText, v.Warn = allocationSummary(totalSet, total, sum, allocated)
	if f == nil {
		v.Mismatch = a.MismatchMessage()
	} else {
		if b := target.Basis(f.text("basis")); b.IsShare() {
			basis = b
		}
		v.Reason.Value, v.Reason.Error = f.text("reason"), f.inv.Fields["reason"]
	}
	v.Basis = string(basis)
	v.BasisOptions = []web.Option{{Value: string(target.ShareOfYear), Label: "đầu năm"}, {Value: string(target.ShareOfTerm), Label: "đầu nhiệm kỳ"}}

	st := a.Settings
	if rights.Locked && c.Can(account.ManageTargets) {
		if rights.Reason {
			v.Notice = fmt.Sprintf("Chỉ tiêu năm %d đã khóa từ ngày %s: mọi điều chỉnh phải ghi lý do.", a.Year, format.Date(*st.LockDate))
		} else {
			v.Notice = fmt.Sprintf("Chỉ tiêu năm %d đã khóa từ ngày %s: chỉ Ban Tổ chức Tỉnh ủy được điều chỉnh.", a.Year, format.Date(*st.LockDate))
		}
	}
	v.Rules = targetRules(st, a, today)
	if c.Can(account.ManageTargets) {
		if _, err := target.GetSettings(ctx, s.DB, manageScope(r, c), a.Unit.ID, a.Year); err == nil {
			v.RulesHref = targetHref("/targets/settings", a.Unit.ID, a.Year)
		} else if !errors.Is(err, apperr.ErrNotFound) {
			return v, err
		}
	}
	v.Actions = []web.Link{
		{Label: "Tải tệp Excel", Href: targetHref("/targets/export.xlsx", a.Unit.ID, a.Year)},
		{Label: "Tải tệp CSV", Href: targetHref("/targets/export.csv", a.Unit.ID, a.Year)},
	}
	if c.Can(account.ManageTargets) {
		v.Actions = append(v.Actions, web.Link{Label: "Nhập từ tệp", Href: targetHref("/targets/import", a.Unit.ID, a.Year)})
	}
	return v, nil
}

// percentText writes a percentage without needless decimals: "25 %", "47,5 %".
func percentText(p float64) string { return decimalText(p) + " %" }

// targetRules lists the province's rules for a's year and, in the current year, the pace the
// milestones expect by today.
func targetRules(st target.Settings, a target.Allocation, today time.Time) []web.Fact {
	lock := "Chưa đặt"
	if st.LockDate != nil {
		lock = format.Date(*st.LockDate)
	}
	strict := "Được lệch; hệ thống cảnh báo khi tổng giao xuống khác chỉ tiêu"
	if st.Strict {
		strict = "Tổng giao xuống phải bằng chỉ tiêu của đơn vị"
	}
	profile := make([]string, len(st.Profile))
	for i, m := range st.Profile {
		profile[i] = fmt.Sprintf("quý %s: %s", []string{"I", "II", "III", "IV"}[i], percentText(m))
	}
	th := st.Thresholds
	facts := []web.Fact{
		{Label: "Tỉnh", Value: st.ProvinceName},
		{Label: "Ngày khóa chỉ tiêu", Value: lock},
		{Label: "Giao chỉ tiêu xuống", Value: strict},
		{Label: "Tiến độ dự kiến (cộng dồn)", Value: strings.Join(profile, " · ")},
		{Label: "Đánh giá tiến độ", Value: fmt.Sprintf("vượt: từ %s điểm trên tiến độ; đúng: đến %s điểm dưới; chậm: đến %s điểm dưới; thấp hơn: chậm nhiều",
			decimalText(th.Ahead), decimalText(th.OnTrack), decimalText(th.Behind))},
	}
	if today.Year() == a.Year {
		e := st.Profile.Expected(today)
		value := "cần đạt " + format.Percent(e) + " chỉ tiêu"
		if a.Total.Set() {
			// Expected admissions are a minimum too: rounded up.
			value += fmt.Sprintf(" (%s người)", format.Int(int64(math.Ceil(e*float64(a.Total.Number)/100-1e-9))))
		}
		facts = append(facts, web.Fact{Label: "Theo tiến độ, đến ngày " + format.Date(today), Value: value})
	}
	return facts
}
