package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"ptdang/internal/org"
	"ptdang/internal/report"
	"ptdang/internal/target"
)

// Name syllables, as in the demo province.
var (
	placeFirst = []string{"An", "Bình", "Phước", "Long", "Tân", "Hòa", "Thạnh", "Xuân", "Phú", "Mỹ",
		"Gia", "Vĩnh", "Bảo", "Cẩm", "Thanh", "Hiệp", "Tam", "Hưng", "Lộc", "Quang", "Thiện", "Đại", "Nghĩa"}
	placeSecond = []string{"An", "Bình", "Phước", "Hòa", "Thạnh", "Định", "Hưng", "Lộc", "Sơn", "Đông",
		"Tây", "Nam", "Bắc", "Trung", "Tân", "Mỹ", "Lợi", "Thành", "Phú", "Hiệp", "Vinh", "Nghĩa", "Thọ"}
	hamletWords    = []string{"thôn", "ấp", "bản", "khu phố", "tổ dân phố"}
	agencyCells    = []struct{ name, orgType string }{{"Chi bộ Công an", "armed_forces"}, {"Chi bộ Quân sự", "armed_forces"}, {"Chi bộ Trường Tiểu học", "public_service"}, {"Chi bộ Trường Trung học cơ sở", "public_service"}, {"Chi bộ Trường Mầm non", "public_service"}, {"Chi bộ Trạm Y tế", "public_service"}, {"Chi bộ Cơ quan Đảng", "party_mass"}, {"Chi bộ Cơ quan chính quyền", "state_agency"}, {"Chi bộ Mặt trận và đoàn thể", "party_mass"}, {"Chi bộ Hợp tác xã", "enterprise_non_state"}, {"Chi bộ Công ty", "enterprise_non_state"}, {"Chi bộ Hưu trí", "other"}}
	committeeNames = []struct{ name, orgType string }{{"Đảng bộ Trường Trung học phổ thông", "public_service"}, {"Đảng bộ Bệnh viện", "public_service"}, {"Đảng bộ Công ty", "enterprise_state"}, {"Đảng bộ Khu công nghiệp", "enterprise_non_state"}}
)

// model is the data set, as the rows of each table (the reports and ratings are made as they
// are copied).
type model struct {
	opt   Options
	start time.Time // the first day of the history

	trees          org.BulkTrees
	targets        []target.BulkTarget
	targetSettings []target.BulkSettings
	settings       []report.BulkSettings
	cells          []cell
	twoStep        []bool // by province
	// adminLast and partyLast are the index of each unit's latest version, by id − 1.
	adminLast, partyLast                         []int
	adminID, partyID, eventID                    int64
	oldCommunes, newCommunes, hamlets, districts int
}

// cell is a cell's life and its size when it opened; its reports and ratings follow from them.
type cell struct {
	id       int64
	province int
	from, to time.Time // to is zero while it lives
	size     int
	ethnic   float64 // share of ethnic-minority members
}

// unit is a committee under construction: its ids, and the members of the cells it leads.
type unit struct {
	code           string
	party, admin   int64
	from, to       time.Time
	members        int
	hamlets, cells []int64 // a commune's, moved when it merges
	organisations  []int64 // a district's, moved when it closes
	first          *unit   // a district's first commune
	after          *unit   // the commune a commune of before became on Reform
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func build(opt Options) *model {
	first := opt.Last.Year - opt.Years + 1
	m := &model{opt: opt, start: date(min(first, 2025), 1, 1)}
	r := rng(opt.Seed, 0)
	// Communes per province: around the average, the remainder to the first provinces.
	per := make([]int, opt.Scale.Provinces)
	weights, sum := make([]float64, len(per)), 0.0
	for i := range weights {
		weights[i] = 0.6 + r.Float64()
		sum += weights[i]
	}
	left := opt.Scale.Communes
	for i := range per {
		per[i] = int(float64(opt.Scale.Communes) * weights[i] / sum)
		left -= per[i]
	}
	for i := 0; left > 0; i, left = (i+1)%len(per), left-1 {
		per[i]++
	}
	for p, n := range per {
		m.province(p, n, rng(opt.Seed, uint64(p)+1))
	}
	return m
}

func (m *model) event(tree, kind string, on time.Time, note string) int64 {
	m.eventID++
	m.trees.Events = append(m.trees.Events, org.BulkEvent{ID: m.eventID, Tree: org.Tree(tree), Kind: kind, Effective: on, Note: note})
	return m.eventID
}

func (m *model) admin(code, level, name, word string, parent int64, from, to time.Time, population int) int64 {
	m.adminID++
	m.trees.AdminUnits = append(m.trees.AdminUnits, org.BulkAdminUnit{ID: m.adminID, Code: code, Level: org.Level(level),
		Population: population, Households: population / 4})
	m.adminVersion(m.adminID, name, word, parent, from, to, 0)
	return m.adminID
}

func (m *model) adminVersion(id int64, name, word string, parent int64, from, to time.Time, event int64) {
	if int(id) > len(m.adminLast) {
		m.adminLast = append(m.adminLast, 0)
	}
	m.adminLast[id-1] = len(m.trees.AdminVersions)
	m.trees.AdminVersions = append(m.trees.AdminVersions, org.BulkAdminVersion{UnitID: id, From: from, To: to, Name: name, LocalWord: word,
		ParentID: parent, EventID: event})
}

// moveAdmin gives unit a new parent from Reform.
func (m *model) moveAdmin(id, parent, event int64) {
	last := &m.trees.AdminVersions[m.adminLast[id-1]]
	last.To = Reform
	m.adminVersion(id, last.Name, last.LocalWord, parent, Reform, time.Time{}, event)
}

func (m *model) party(code, kind, orgType, name string, parent, territory int64, from, to time.Time, members int) int64 {
	m.partyID++
	var committee time.Time
	if (kind == "affiliated_cell" || kind == "grassroots_cell") && members >= 9 {
		committee = from
	}
	m.trees.PartyUnits = append(m.trees.PartyUnits, org.BulkPartyUnit{ID: m.partyID, Code: code, TerritoryID: territory, TermMonths: 60,
		CommitteeSince: committee, FullMembers: members})
	m.partyVersion(m.partyID, name, kind, orgType, parent, from, to, 0)
	return m.partyID
}

func (m *model) partyVersion(id int64, name, kind, orgType string, parent int64, from, to time.Time, event int64) {
	if int(id) > len(m.partyLast) {
		m.partyLast = append(m.partyLast, 0)
	}
	m.partyLast[id-1] = len(m.trees.PartyVersions)
	m.trees.PartyVersions = append(m.trees.PartyVersions, org.BulkPartyVersion{UnitID: id, From: from, To: to, Name: name, Kind: org.Kind(kind),
		OrgType: org.OrgType(orgType), ParentID: parent, EventID: event})
}

// moveParty gives unit a new parent from Reform.
func (m *model) moveParty(id, parent, event int64) {
	last := &m.trees.PartyVersions[m.partyLast[id-1]]
	last.To = Reform
	m.partyVersion(id, last.Name, string(last.Kind), string(last.OrgType), parent, Reform, time.Time{}, event)
}

func (m *model) cell(province int, code, kind, orgType, name string, parent int64, from, to time.Time, r *rand.Rand, lo, hi int, ethnic float64) *cell {
	size := lo + r.IntN(hi-lo+1)
	id := m.party(code, kind, orgType, name, parent, 0, from, to, size)
	m.cells = append(m.cells, cell{id: id, province: province, from: from, to: to, size: size, ethnic: ethnic})
	return &m.cells[len(m.cells)-1]
}

func place(r *rand.Rand) string {
	return placeFirst[r.IntN(len(placeFirst))] + " " + placeSecond[r.IntN(len(placeSecond))]
}

// province builds province p with n communes after the reform: before it, districts of about
// fourteen communes; on Reform the communes merge in groups of one to four (a group of one
// moves) under the province, and the districts close with their organisations moving up.
func (m *model) province(p, n int, r *rand.Rand) {
	var zero time.Time
	code := fmt.Sprintf("G%02d", p+1)
	name := place(r)
	ethnic := 0.0
	if r.IntN(3) == 0 {
		ethnic = 0.3 + 0.5*r.Float64()
	}
	adminProvince := m.admin(code, "province", "Tỉnh "+name, "tỉnh", 0, m.start, zero, 0)
	tu := m.party(code, "province_committee", "territorial", "Tỉnh ủy "+name, 0, adminProvince, m.start, zero, 0)
	twoStep := r.IntN(4) == 0
	m.settings = append(m.settings, report.BulkSettings{ProvinceID: tu, Settings: report.Settings{DeadlineDays: 10, GraceDays: 20, TwoStep: twoStep}})
	m.targetSettings = append(m.targetSettings, target.BulkSettings{ProvinceID: tu})
	m.twoStep = append(m.twoStep, twoStep)
	province := &unit{code: code, party: tu, admin: adminProvince}
	var districts []*unit
	var communes []*unit
	var districtOf *unit
	inDistrict := 0
	for c := range n {
		// Mostly two to four communes merged; one in ten moved alone.
		group := 2 + r.IntN(3)
		if r.IntN(10) == 0 {
			group = 1
		}
		var olds []*unit
		for range group {
			if districtOf == nil || inDistrict >= 14 {
				m.districts++
				dcode := fmt.Sprintf("%s.H%02d", code, len(districts)+1)
				dname := place(r)
				d := &unit{code: dcode, from: m.start, to: Reform}
				d.admin = m.admin(dcode, "district", "Huyện "+dname, "huyện", adminProvince, m.start, Reform, 0)
				d.party = m.party(dcode, "district_committee", "territorial", "Huyện ủy "+dname, tu, d.admin, m.start, Reform, 0)
				districts = append(districts, d)
				districtOf, inDistrict = d, 0
				m.districtOrganisations(p, d, r, ethnic)
			}
			inDistrict++
			olds = append(olds, m.oldCommune(p, districtOf, len(olds), c, r, ethnic))
			if districtOf.first == nil {
				districtOf.first = olds[len(olds)-1]
			}
		}
		communes = append(communes, olds...)
		n := m.reform(p, c, province, olds, r)
		if n != olds[0] {
			communes = append(communes, n)
		}
		for _, o := range olds {
			o.after = n
		}
	}
	// A district's schools, hospitals and companies go to the commune that took its first
	// commune (the provincial blocs are left out of the shape).
	for _, d := range districts {
		for _, id := range d.organisations {
			m.moveParty(id, d.first.after.party, 0)
		}
		province.members += d.members
	}
	m.yearTargets(append(append(districts, communes...), province))
}

// oldCommune builds a commune of before the reform, its hamlets and its cells.
func (m *model) oldCommune(p int, d *unit, i, group int, r *rand.Rand, ethnic float64) *unit {
	var zero time.Time
	m.oldCommunes++
	code := fmt.Sprintf("%s.X%04d", d.code, group*4+i)
	name := place(r)
	word := "xã"
	if r.IntN(5) == 0 {
		word = "phường"
	}
	c := &unit{code: code, from: m.start, to: Reform}
	c.admin = m.admin(code, "commune", word+" "+name, word, d.admin, m.start, Reform, 0)
	c.party = m.party(code, "commune_committee", "territorial", "Đảng bộ "+word+" "+name, d.party, c.admin, m.start, Reform, 0)
	hw := hamletWords[r.IntN(len(hamletWords))]
	var last int64
	for h := range 7 + r.IntN(9) {
		m.hamlets++
		hname := fmt.Sprintf("%s %d", hw, h+1)
		hamlet := m.admin(fmt.Sprintf("%s.T%02d", code, h+1), "hamlet", capitalFirst(hname), hw, c.admin, m.start, zero, 500+r.IntN(3000))
		c.hamlets = append(c.hamlets, hamlet)
		switch x := r.IntN(100); {
		case x < 85 || last == 0:
			cl := m.cell(p, fmt.Sprintf("%s.C%02d", code, h+1), "affiliated_cell", "territorial", "Chi bộ "+hname, c.party, m.start, zero, r, 8, 60, ethnic)
			c.members += cl.size
			last = cl.id
			c.cells = append(c.cells, cl.id)
			// one secretary in three heads the hamlet too (not drawn: the random stream stays as it was)
			m.trees.Links = append(m.trees.Links, org.BulkLink{HamletID: hamlet, CellID: cl.id, Mode: org.OwnCell, SecretaryIsHead: h%3 == 0, From: m.start})
		case x < 95:
			m.trees.Links = append(m.trees.Links, org.BulkLink{HamletID: hamlet, CellID: last, Mode: org.CombinedCell, From: m.start})
		}
	}
	agencies := 8 + r.IntN(len(agencyCells)-7)
	// In one commune in twenty, the last two agency cells merged in 2023.
	mergeTwo := m.start.Before(cellMerge) && r.IntN(20) == 0
	var merging []int64
	for a := range agencies {
		ac := agencyCells[a]
		to := zero
		if mergeTwo && a >= agencies-2 {
			to = cellMerge
		}
		cl := m.cell(p, fmt.Sprintf("%s.A%02d", code, a+1), "affiliated_cell", ac.orgType, ac.name+" "+name, c.party, m.start, to, r, 3, 30, ethnic/2)
		c.members += cl.size
		c.cells = append(c.cells, cl.id)
		if !to.IsZero() {
			merging = append(merging, cl.id)
		}
	}
	if mergeTwo {
		e := m.event("party", "merge", cellMerge, "Hợp nhất chi bộ")
		merged := m.cell(p, code+".A99", "affiliated_cell", "other", "Chi bộ Cơ quan "+name, c.party, cellMerge, zero, r, 10, 40, ethnic/2)
		m.trees.PartyVersions[len(m.trees.PartyVersions)-1].EventID = e
		c.cells = append(c.cells, merged.id)
		for _, old := range merging {
			m.trees.PartySuccessions = append(m.trees.PartySuccessions, org.BulkSuccession{EventID: e, Predecessor: old, Successor: merged.id, Share: 1})
		}
	}
	d.members += c.members
	return c
}

func capitalFirst(s string) string {
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// districtOrganisations builds a district's grassroots committees (schools, hospitals,
// companies) with their cells, and its grassroots cells; on Reform they move under a commune.
func (m *model) districtOrganisations(p int, d *unit, r *rand.Rand, ethnic float64) {
	var zero time.Time
	for i := range 5 + r.IntN(5) {
		cn := committeeNames[r.IntN(len(committeeNames))]
		code := fmt.Sprintf("%s.D%02d", d.code, i+1)
		name := cn.name + " " + place(r)
		id := m.party(code, "grassroots_committee", cn.orgType, name, d.party, 0, m.start, zero, 0)
		d.organisations = append(d.organisations, id)
		for j := range 4 + r.IntN(18) {
			cl := m.cell(p, fmt.Sprintf("%s.C%02d", code, j+1), "affiliated_cell", cn.orgType, fmt.Sprintf("Chi bộ %d", j+1), id, m.start, zero, r, 3, 40, ethnic/3)
			d.members += cl.size
		}
	}
	for i := range 3 + r.IntN(4) {
		ac := agencyCells[r.IntN(len(agencyCells))]
		cl := m.cell(p, fmt.Sprintf("%s.B%02d", d.code, i+1), "grassroots_cell", ac.orgType, ac.name+" huyện", d.party, m.start, zero, r, 3, 30, ethnic/3)
		d.organisations = append(d.organisations, cl.id)
		d.members += cl.size
	}
}

// reform merges the communes of a group into a new one under the province on Reform, moving
// their hamlets and cells; a group of one moves as it is. It returns the commune after.
func (m *model) reform(p, i int, province *unit, olds []*unit, r *rand.Rand) *unit {
	m.newCommunes++
	if len(olds) == 1 {
		c := olds[0]
		c.to = time.Time{}
		m.moveAdmin(c.admin, province.admin, m.event("admin", "move", Reform, reformNote))
		m.moveParty(c.party, province.party, m.event("party", "move", Reform, reformNote))
		return c
	}
	code := fmt.Sprintf("%s.M%04d", province.code, i+1)
	name := place(r)
	word := "xã"
	if r.IntN(4) == 0 {
		word = "phường"
	}
	n := &unit{code: code, from: Reform}
	ae, pe := m.event("admin", "merge", Reform, reformNote), m.event("party", "merge", Reform, reformNote)
	n.admin = m.admin(code, "commune", word+" "+name, word, province.admin, Reform, time.Time{}, 0)
	m.trees.AdminVersions[len(m.trees.AdminVersions)-1].EventID = ae
	n.party = m.party(code, "commune_committee", "territorial", "Đảng bộ "+word+" "+name, province.party, n.admin, Reform, time.Time{}, 0)
	m.trees.PartyVersions[len(m.trees.PartyVersions)-1].EventID = pe
	for _, c := range olds {
		m.trees.AdminSuccessions = append(m.trees.AdminSuccessions, org.BulkSuccession{EventID: ae, Predecessor: c.admin, Successor: n.admin, Share: 1})
		m.trees.PartySuccessions = append(m.trees.PartySuccessions, org.BulkSuccession{EventID: pe, Predecessor: c.party, Successor: n.party, Share: 1})
		for _, h := range c.hamlets {
			m.moveAdmin(h, n.admin, ae)
		}
		for _, cl := range c.cells {
			if m.trees.PartyVersions[m.partyLast[cl-1]].To.IsZero() { // merged cells closed in 2023 stay put
				m.moveParty(cl, n.party, pe)
			}
		}
		n.members += c.members
	}
	return n
}

const reformNote = "Sắp xếp đơn vị hành chính cấp xã, kết thúc hoạt động cấp huyện (2025)"

// yearTargets sets, for each year of reports, the admission target of each committee alive
// on 31 December (3 % of its members, rounded up).
func (m *model) yearTargets(units []*unit) {
	for y := m.opt.Last.Year - m.opt.Years + 1; y <= m.opt.Last.Year; y++ {
		end := date(y, 12, 31)
		for _, u := range units {
			if u.from.After(end) || (!u.to.IsZero() && !u.to.After(end)) || u.members == 0 {
				continue
			}
			t := int(math.Ceil(float64(u.members) * 3 / 100))
			m.targets = append(m.targets, target.BulkTarget{UnitID: u.party, Year: y, Target: t})
		}
	}
}
