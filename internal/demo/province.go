package demo

// The province part: tỉnh Đồng Nai as its Party organisation board knows it. Before 1 July 2025
// it had nine districts, towns and cities (huyện, thị xã, thành phố) over some 210 communes,
// wards and towns (xã, phường, thị trấn); then the communes were merged in twos and threes
// directly under the province and the districts were abolished. The hamlets and residential
// groups (thôn, ấp, khu phố, tổ dân phố) and their Party cells come through with their history.
//
// Everything goes through package org, as a user's edits would, so the demo meets the same
// validation. The generator has a fixed seed: every run builds the same province.

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/format"
	"ptdang/internal/org"
)

var provincePart = Part{Name: "province", Load: loadProvince}

// provinceSeed fixes the generator: every run builds the same province.
var provinceSeed = [2]uint64{2015, 20250701}

var (
	historyStart = day(2015, 1, 1) // everything the demo knows starts here
	hamlets2018  = day(2018, 1, 1) // new residential areas, meeting with a neighbour's cell
	ownCells2020 = day(2020, 1, 1) // half of them get their own cell
	rename2020   = day(2020, 1, 1)
	hamlets2021  = day(2021, 7, 1) // more new hamlets, each with its own cell
	merge2023    = day(2023, 1, 1) // a few hamlets merged
	reform2025   = day(2025, 7, 1) // district level abolished, communes merged
)

const (
	reformNote  = "Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính cấp xã năm 2025"
	hamletsNote = "Nghị quyết của HĐND tỉnh về sáp nhập, đặt tên ấp, khu phố năm 2023"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// districtSpec describes one district of the old shape; its communes are generated.
type districtSpec struct {
	name      string  // Biên Hòa
	word      string  // thành phố, thị xã, huyện
	committee string  // Thành ủy Biên Hòa
	communes  int     // communes, wards and towns before 2025
	wards     int     // of which wards (phường), listed first
	town      string  // the district's town (thị trấn), listed first; "" in a city
	thon      float64 // share of its rural communes whose hamlets are called thôn
	ethnic    float64 // share of its communes with many ethnic-minority people
	catholic  float64 // share of its communes with a Catholic majority
}

var districtSpecs = []districtSpec{
	{"Biên Hòa", "thành phố", "Thành ủy Biên Hòa", 32, 28, "", 0, 0, 0.25},
	{"Long Khánh", "thị xã", "Thị ủy Long Khánh", 18, 8, "", 0, 0.05, 0.15},
	{"Trảng Bom", "huyện", "Huyện ủy Trảng Bom", 26, 0, "Trảng Bom", 0, 0.05, 0.35},
	{"Long Thành", "huyện", "Huyện ủy Long Thành", 24, 0, "Long Thành", 0, 0, 0.1},
	{"Nhơn Trạch", "huyện", "Huyện ủy Nhơn Trạch", 20, 0, "Hiệp Phước", 0, 0, 0.1},
	{"Xuân Lộc", "huyện", "Huyện ủy Xuân Lộc", 26, 0, "Gia Ray", 0.1, 0.2, 0.2},
	{"Định Quán", "huyện", "Huyện ủy Định Quán", 24, 0, "Định Quán", 0.3, 0.3, 0.1},
	{"Tân Phú", "huyện", "Huyện ủy Tân Phú", 24, 0, "Tân Phú", 0.3, 0.3, 0.1},
	{"Vĩnh Cửu", "huyện", "Huyện ủy Vĩnh Cửu", 20, 0, "Vĩnh An", 0.1, 0.15, 0.1},
}

// Syllables of generated names: communes and wards, hamlets, and the hamlets of Catholic
// areas, many named after the northern parishes their people came from in 1954.
var (
	placeFirst = []string{"An", "Bình", "Phước", "Long", "Tân", "Hòa", "Thạnh", "Xuân", "Phú", "Mỹ",
		"Gia", "Vĩnh", "Bảo", "Suối", "Bàu", "Trảng", "Cẩm", "Thanh", "Hiệp", "Tam", "Hưng", "Lộc",
		"Quang", "Sông", "Thiện"}
	placeSecond = []string{"An", "Bình", "Phước", "Hòa", "Thạnh", "Định", "Hưng", "Lộc", "Sơn", "Đông",
		"Tây", "Nam", "Bắc", "Trung", "Tân", "Mỹ", "Lợi", "Thành", "Phú", "Hiệp", "Vinh", "Nghĩa",
		"Thọ", "Lập", "Hội", "Điền", "Cường", "Quới", "Trường", "Thuận"}
	hamletFirst = []string{"Bàu", "Suối", "Bến", "Cây", "Gò", "Xóm", "Láng", "Đồi", "Rạch", "Hố",
		"Tân", "Phước", "Bình", "An", "Long", "Hưng", "Thuận", "Đức", "Thái", "Trung", "Ngọc",
		"Quảng", "Sông"}
	hamletSecond = []string{"Cạn", "Sao", "Gáo", "Trâu", "Mới", "Lập", "Hòa", "Thành", "Phát",
		"Lợi", "Trung", "Hạ", "Thượng", "Tre", "Dừa", "Dầu", "Sen", "Đá", "Nhạn", "Mít", "Xoài",
		"Lớn", "Chiêm", "Cát"}
	parishNames = []string{"Bùi Chu", "Phát Diệm", "Thái Bình", "Ngọc Đồng", "Kim Bích", "Ninh Phát",
		"Thánh Tâm", "Sài Quất", "Tân Bắc", "Nam Hải", "Đông Hải", "Lộ Đức", "Phú Tảo", "Kẻ Sặt",
		"Ngũ Phúc", "Tam Hải", "Xuân Trà", "Bắc Hòa", "Hà Nam", "Thuận Hòa"}
)

// hamletSizes are the population ranges of hamlets by their local word.
var hamletSizes = map[string][2]int{"khu phố": {1500, 4000}, "tổ dân phố": {500, 1500}, "ấp": {800, 3500}, "thôn": {500, 2000}}

// communeCells are the grassroots cells (chi bộ cơ sở) a commune may have, with the share of
// communes that have one; %s is the commune's name, with its local word when word is set.
var communeCells = []struct {
	share   float64
	name    string
	word    bool
	orgType org.OrgType
}{
	{0.30, "Chi bộ Trường Trung học cơ sở %s", false, "public_service"},
	{0.12, "Chi bộ Trường Tiểu học %s", false, "public_service"},
	{0.10, "Chi bộ Trạm Y tế %s", true, "public_service"},
	{0.25, "Chi bộ Công an %s", true, "armed_forces"},
	{0.12, "Chi bộ Quân sự %s", true, "armed_forces"},
	{0.03, "Chi bộ Trường Mầm non tư thục Hoa Sen %s", false, "non_public_service"},
	{0.04, "Chi bộ Hợp tác xã Nông nghiệp %s", false, "other"},
}

// enterprise is a company's Party committee (đảng bộ cơ sở) under a commune of a district,
// with its cells and, for one, an intermediate committee (đảng bộ bộ phận) with cells of its own.
type enterprise struct {
	district     int
	name         string
	orgType      org.OrgType
	from         time.Time
	cells        []string
	intermediate string
	subCells     []string
}

var enterprises = []enterprise{
	{0, "Đảng bộ Tổng Công ty Công nghiệp Tam Phước", "enterprise_state", historyStart,
		[]string{"Chi bộ Văn phòng Tổng Công ty", "Chi bộ Phòng Kế hoạch – Đầu tư"},
		"Đảng bộ bộ phận Khu công nghiệp Tam Phước", []string{"Chi bộ Ban Quản lý hạ tầng", "Chi bộ Xí nghiệp Xử lý nước thải"}},
	{3, "Đảng bộ Công ty Cổ phần Phát triển Khu công nghiệp Long Đức", "enterprise_state", historyStart,
		[]string{"Chi bộ Văn phòng Công ty", "Chi bộ Phòng Kỹ thuật", "Chi bộ Đội Bảo vệ"}, "", nil},
	{5, "Đảng bộ Công ty TNHH MTV Cao su Xuân Hòa", "enterprise_state", historyStart,
		[]string{"Chi bộ Nông trường Xuân Hòa", "Chi bộ Nông trường Bàu Sen", "Chi bộ Nhà máy Chế biến mủ cao su", "Chi bộ Văn phòng Công ty"}, "", nil},
	{2, "Đảng bộ Công ty Cổ phần Thực phẩm Đồng Xanh", "enterprise_non_state", day(2017, 3, 1),
		[]string{"Chi bộ Khối sản xuất", "Chi bộ Khối văn phòng"}, "", nil},
	{0, "Đảng bộ Công ty Cổ phần Vật liệu Xây dựng Tân Mai", "enterprise_non_state", historyStart,
		[]string{"Chi bộ Nhà máy gạch", "Chi bộ Khối văn phòng"}, "", nil},
	{4, "Đảng bộ Công ty TNHH Giày da Hòa Phong Việt Nam", "enterprise_foreign", day(2016, 5, 1),
		[]string{"Chi bộ Xưởng may mũ giày", "Chi bộ Xưởng đế", "Chi bộ Khối văn phòng"}, "", nil},
	{3, "Đảng bộ Công ty TNHH Điện tử Sao Phương Nam", "enterprise_foreign", day(2019, 9, 1),
		[]string{"Chi bộ Xưởng lắp ráp", "Chi bộ Khối văn phòng"}, "", nil},
}

// provinceUnit is a Party organisation directly under the provincial committee or its bloc.
type provinceUnit struct {
	name    string
	kind    org.Kind
	orgType org.OrgType
	cells   []string
}

var (
	blocName  = "Đảng bộ Khối các cơ quan tỉnh"
	blocUnits = []provinceUnit{
		{"Đảng bộ Sở Y tế", org.GrassrootsCommittee, "state_agency", []string{"Chi bộ Văn phòng Sở Y tế", "Chi bộ Phòng Nghiệp vụ Y", "Chi bộ Thanh tra Sở Y tế"}},
		{"Đảng bộ Bệnh viện Đa khoa Đồng Nai", org.GrassrootsCommittee, "public_service", []string{"Chi bộ Khoa Nội", "Chi bộ Khoa Ngoại", "Chi bộ Khoa Hồi sức tích cực – Chống độc", "Chi bộ Phòng Điều dưỡng"}},
		{"Đảng bộ Sở Tài chính", org.GrassrootsCommittee, "state_agency", []string{"Chi bộ Văn phòng Sở Tài chính", "Chi bộ Phòng Quản lý ngân sách", "Chi bộ Phòng Tài chính doanh nghiệp"}},
		{"Chi bộ Sở Tư pháp", org.GrassrootsCell, "state_agency", nil},
		{"Chi bộ Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", org.GrassrootsCell, "party_mass", nil},
		{"Chi bộ Cơ quan Tỉnh đoàn", org.GrassrootsCell, "party_mass", nil},
		{"Chi bộ Hội Nông dân tỉnh", org.GrassrootsCell, "party_mass", nil},
		{"Chi bộ Báo Đồng Nai", org.GrassrootsCell, "press", nil},
		{"Chi bộ Đài Phát thanh – Truyền hình Đồng Nai", org.GrassrootsCell, "press", nil},
		{"Chi bộ Trường Chính trị tỉnh", org.GrassrootsCell, "public_service", nil},
	}
	// Directly under the provincial committee, before and after 2025.
	provinceUnits = []provinceUnit{
		{"Đảng bộ Công an tỉnh", org.GrassrootsCommittee, "armed_forces", []string{"Chi bộ Phòng Tham mưu", "Chi bộ Phòng Cảnh sát giao thông", "Chi bộ Phòng Cảnh sát hình sự", "Chi bộ Phòng An ninh kinh tế"}},
		{"Đảng bộ Quân sự tỉnh", org.GrassrootsCommittee, "armed_forces", []string{"Chi bộ Ban Tham mưu", "Chi bộ Ban Chính trị", "Chi bộ Ban Hậu cần – Kỹ thuật"}},
	}
)

// province is the generated province and, once written, the ids of its units.
type province struct {
	adminID, partyID int64
	districts        []*district
	groups           []*group // the communes of 2025, each made of one or more old ones
	blocID           int64
	blocChildren     []int64
}

func (p *province) communes() []*commune {
	var all []*commune
	for _, d := range p.districts {
		all = append(all, d.communes...)
	}
	return all
}

type district struct {
	spec             districtSpec
	code             string // H01
	communes         []*commune
	adminID, partyID int64
}

type commune struct {
	district         *district
	code             string // X05
	name, word       string
	catholic, ethnic bool
	group            *group
	hamlets          []*hamlet
	orgs             int // grassroots organisations numbered so far
	population       int
	households       int
	adminID, partyID int64
}

func (c *commune) adminCode() string { return "DN." + c.district.code + "." + c.code }
func (c *commune) partyCode() string { return "TU." + c.district.code + "." + c.code }
func (c *commune) title() string     { return c.word + " " + c.name } // xã Bình An

// nextOrgCode numbers the commune's grassroots organisations: TU.H01.X05.CS01.
func (c *commune) nextOrgCode() string {
	c.orgs++
	return fmt.Sprintf("%s.CS%02d", c.partyCode(), c.orgs)
}

// group is a commune of the new shape: the old communes merged into it on 1 July 2025, or the
// one old commune moved under the province as it was. Hamlet names are unique within a group,
// so that they stay unique under their parent after the merge.
type group struct {
	communes []*commune
	first    bool // the district's first group, which takes the district's name
	names    map[string]bool
}

// successor is the name and local word of the group's commune from 2025.
func (g *group) successor() (name, word string) {
	d := g.communes[0].district
	name, word = g.communes[0].name, "xã"
	if g.first {
		name = d.spec.name
	}
	for _, c := range g.communes {
		if c.word == "phường" && d.spec.word != "huyện" {
			word = "phường"
		}
	}
	return name, word
}

type hamlet struct {
	commune    *commune
	index      int
	word, rest string // ấp, Bàu Cạn
	from       time.Time
	facts      org.HamletFacts
	mode       org.LinkMode // "": no Party member lives there
	servedBy   *hamlet      // the hamlet whose cell it meets with, in mode combined
	members    int          // of its own cell
	committee  *time.Time   // its own cell's committee (chi ủy) since
	closed     bool
	adminID    int64
	cellID     int64
}

func (h *hamlet) name() string     { return capitalise(h.word) + " " + h.rest } // Ấp Bàu Cạn
func (h *hamlet) cellName() string { return "Chi bộ " + h.word + " " + h.rest } // Chi bộ ấp Bàu Cạn
func (h *hamlet) adminCode() string {
	return fmt.Sprintf("%s.A%02d", h.commune.adminCode(), h.index)
}
func (h *hamlet) cellCode() string { return fmt.Sprintf("%s.A%02d", h.commune.partyCode(), h.index) }

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// builder generates the province and writes it through package org. Its first error stops
// every later step and is returned by loadProvince; the caller rolls the transaction back.
type builder struct {
	ctx        context.Context
	tx         pgx.Tx
	scope      org.Scope
	rng        *rand.Rand
	placeNames map[string]bool // commune names in use, province-wide
	err        error

	// Units open as the build goes: after the last step, the units valid today.
	partyOpen, hamletsOpen int
}

func loadProvince(ctx context.Context, tx pgx.Tx) (string, error) {
	b := &builder{ctx: ctx, tx: tx, scope: org.Everything(),
		rng: rand.New(rand.NewPCG(provinceSeed[0], provinceSeed[1])), placeNames: map[string]bool{}}
	p := b.plan()
	b.buildProvince(p)
	b.buildHistory(p)
	partyBefore := b.partyOpen
	b.reorganise(p)
	if b.err != nil {
		return "", b.err
	}
	n := func(i int) string { return format.Int(int64(i)) }
	return fmt.Sprintf("tỉnh Đồng Nai: %s xã/phường, %s thôn/ấp/khu phố/tổ dân phố, %s tổ chức đảng "+
		"(lịch sử từ %s; đến %s: %s huyện/thị xã/thành phố, %s xã/phường/thị trấn, %s tổ chức đảng; sắp xếp %s)",
		n(len(p.groups)), n(b.hamletsOpen), n(b.partyOpen),
		format.Date(historyStart), format.Date(reform2025.AddDate(0, 0, -1)),
		n(len(p.districts)), n(len(p.communes())), n(partyBefore), format.Date(reform2025)), nil
}

// plan generates the old districts and communes, how they will merge in 2025, and their
// hamlets, without touching the database.
func (b *builder) plan() *province {
	p := &province{}
	for _, s := range districtSpecs {
		b.placeNames[s.name] = true
		if s.town != "" {
			b.placeNames[s.town] = true
		}
	}
	for i, s := range districtSpecs {
		d := &district{spec: s, code: fmt.Sprintf("H%02d", i+1)}
		for j := range s.communes {
			c := &commune{district: d, code: fmt.Sprintf("X%02d", j+1), word: "xã"}
			switch {
			case j < s.wards:
				c.word = "phường"
			case j == 0 && s.town != "":
				c.word, c.name = "thị trấn", s.town
			}
			if c.name == "" {
				c.name = b.placeName()
			}
			c.catholic = b.rng.Float64() < s.catholic
			c.ethnic = b.rng.Float64() < s.ethnic
			d.communes = append(d.communes, c)
		}
		p.groups = append(p.groups, b.planGroups(d)...)
		p.districts = append(p.districts, d)
	}
	for _, c := range p.communes() {
		b.planHamlets(c)
	}
	return p
}

// planGroups splits the district's communes into the groups of 2025: twos and threes of
// neighbours, and in half the districts one commune moved under the province unmerged.
func (b *builder) planGroups(d *district) []*group {
	var groups []*group
	add := func(cs []*commune) {
		g := &group{communes: cs, first: len(groups) == 0, names: map[string]bool{}}
		for _, c := range cs {
			c.group = g
		}
		groups = append(groups, g)
	}
	rest := d.communes
	moved := -1
	if b.rng.Float64() < 0.5 {
		moved = 1 + b.rng.IntN(len(rest)-1) // never the town or the centre, which lead a group
	}
	var merging []*commune
	for i, c := range rest {
		if i != moved {
			merging = append(merging, c)
		}
	}
	for len(merging) > 0 {
		n := 2 + b.rng.IntN(2)
		switch len(merging) {
		case 2, 3:
			n = len(merging)
		case 4:
			n = 2
		}
		add(merging[:n:n])
		merging = merging[n:]
	}
	if moved >= 0 {
		add(rest[moved : moved+1 : moved+1])
	}
	return groups
}

// planHamlets generates the commune's hamlets of 2015 and how each is served.
func (b *builder) planHamlets(c *commune) {
	var word string
	var n int
	switch {
	case c.word == "phường" && b.rng.Float64() < 0.25:
		word, n = "tổ dân phố", 6+b.rng.IntN(5)
	case c.word == "phường" || c.word == "thị trấn":
		word, n = "khu phố", 3+b.rng.IntN(6)
	case b.rng.Float64() < c.district.spec.thon:
		word, n = "thôn", 3+b.rng.IntN(4)
	default:
		word, n = "ấp", 4+b.rng.IntN(4)
	}
	// Numbered hamlets (Ấp 1, Khu phố 3) in one commune of each group only, so that names
	// stay unique after the merge; the others have names.
	numbered := c.group.communes[0] == c && b.rng.Float64() < 0.75
	var own []*hamlet
	for i := 1; i <= n; i++ {
		rest := ""
		if numbered {
			rest = strconv.Itoa(i)
		}
		h := b.addHamlet(c, word, rest, historyStart)
		h.facts = b.hamletFacts(c, word)
		r := b.rng.Float64()
		switch {
		case i > 1 && r < 0.02: // no Party member lives there
		case i > 1 && r < 0.07:
			h.mode, h.servedBy = org.CombinedCell, own[b.rng.IntN(len(own))]
		default:
			h.mode = org.OwnCell
			h.members, h.committee = b.cellSize(historyStart)
			own = append(own, h)
		}
		c.population += *h.facts.Population
		c.households += *h.facts.Households
	}
}

// addHamlet adds a hamlet to c, named word + rest, or with a generated name when rest is ""
// or already taken in the group.
func (b *builder) addHamlet(c *commune, word, rest string, from time.Time) *hamlet {
	h := &hamlet{commune: c, index: len(c.hamlets) + 1, word: word, rest: rest, from: from}
	names := c.group.names
	for tries := 0; h.rest == "" || names[h.name()]; tries++ {
		switch {
		case c.catholic && tries < 5 && b.rng.Float64() < 0.7:
			h.rest = parishNames[b.rng.IntN(len(parishNames))]
		case tries < 100:
			if first, second := pick(b.rng, hamletFirst), pick(b.rng, hamletSecond); first != second {
				h.rest = first + " " + second
			}
		default:
			h.rest = fmt.Sprintf("Mới %d", tries-99)
		}
	}
	names[h.name()] = true
	c.hamlets = append(c.hamlets, h)
	b.hamletsOpen++
	return h
}

// hamletFacts draws a hamlet's population, households and shares of religious followers
// and ethnic minorities.
func (b *builder) hamletFacts(c *commune, word string) org.HamletFacts {
	size := hamletSizes[word]
	pop := size[0] + b.rng.IntN(size[1]-size[0]+1)
	households := int(float64(pop) / (3.4 + 0.8*b.rng.Float64()))
	religious := b.share(c.catholic, 0.75, [3]span{{0.6, 0.35}, {0.2, 0.3}, {0.02, 0.33}})
	ethnic := b.share(c.ethnic, 0.5, [3]span{{0.25, 0.65}, {0.02, 0.18}, {0, 0.03}})
	return org.HamletFacts{Population: &pop, Households: &households,
		ReligiousShare: ptr(round4(religious)), EthnicMinorityShare: ptr(round4(ethnic))}
}

// span is a range of shares: from its first value, as wide as its second.
type span [2]float64

// share draws a share from spans: in a commune where the trait is common (in), from the first
// with probability p and else from the second; elsewhere from the third.
func (b *builder) share(in bool, p float64, spans [3]span) float64 {
	s := spans[2]
	if in {
		s = spans[1]
		if b.rng.Float64() < p {
			s = spans[0]
		}
	}
	return s[0] + s[1]*b.rng.Float64()
}

// cellSize draws a cell's full members and the date it elected a committee (chi ủy), which
// it may only do from 9 full members on. Cells founded in 2015 mostly had theirs since a
// congress before; some elected one only in 2019–2023.
func (b *builder) cellSize(from time.Time) (int, *time.Time) {
	var members int
	switch r := b.rng.Float64(); {
	case r < 0.05:
		members = 3 + b.rng.IntN(3)
	case r < 0.22:
		members = 6 + b.rng.IntN(3)
	default:
		members = 9 + b.rng.IntN(10) + b.rng.IntN(10) + b.rng.IntN(13)
	}
	if members < 9 {
		return members, nil
	}
	congresses := []time.Time{day(2010, 6, 15), day(2012, 9, 20), day(2015, 4, 10), day(2017, 9, 25)}
	firstLater := max(2019, from.Year()+1)
	switch r := b.rng.Float64(); {
	case r < 0.78 && from.Equal(historyStart):
		return members, ptr(congresses[b.rng.IntN(len(congresses))])
	case r < 0.95 && firstLater <= 2023:
		return members, ptr(day(firstLater+b.rng.IntN(2024-firstLater), time.Month(1+b.rng.IntN(12)), 1))
	}
	return members, nil
}

func (b *builder) placeName() string {
	for {
		first, second := pick(b.rng, placeFirst), pick(b.rng, placeSecond)
		name := first + " " + second
		if first != second && !b.placeNames[name] {
			b.placeNames[name] = true
			return name
		}
	}
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }
func ptr[T any](v T) *T                         { return &v }
func round4(x float64) float64                  { return math.Round(x*1e4) / 1e4 }

func facts(population, households int) org.HamletFacts {
	return org.HamletFacts{Population: &population, Households: &households}
}

// buildProvince writes the province as it stood on 1 January 2015.
func (b *builder) buildProvince(p *province) {
	var pop, households int
	for _, c := range p.communes() {
		pop += c.population
		households += c.households
	}
	p.adminID = b.admin(org.AdminUnitInput{Code: "DN", Name: "Đồng Nai", Level: org.Province, LocalWord: "tỉnh",
		From: historyStart, HamletFacts: facts(pop, households)})
	p.partyID = b.party(org.PartyUnitInput{Code: "TU", Name: "Tỉnh ủy Đồng Nai", Kind: org.ProvinceCommittee,
		OrgType: "territorial", TerritoryID: p.adminID, From: historyStart})
	for _, d := range p.districts {
		pop, households = 0, 0
		for _, c := range d.communes {
			pop += c.population
			households += c.households
		}
		d.adminID = b.admin(org.AdminUnitInput{Code: "DN." + d.code, Name: d.spec.name, Level: org.District,
			LocalWord: d.spec.word, ParentID: p.adminID, From: historyStart, HamletFacts: facts(pop, households)})
		d.partyID = b.party(org.PartyUnitInput{Code: "TU." + d.code, Name: d.spec.committee, Kind: org.DistrictCommittee,
			OrgType: "territorial", ParentID: p.partyID, TerritoryID: d.adminID, From: historyStart})
		for _, c := range d.communes {
			b.buildCommune(c)
		}
	}
	for _, e := range enterprises {
		cs := p.districts[e.district].communes
		b.buildEnterprise(cs[b.rng.IntN(len(cs))], e)
	}
	p.blocID = b.party(org.PartyUnitInput{Code: "TU.K01", Name: blocName, Kind: org.BlocCommittee,
		OrgType: "state_agency", ParentID: p.partyID, From: historyStart})
	for i, u := range blocUnits {
		p.blocChildren = append(p.blocChildren, b.buildProvinceUnit(p.blocID, fmt.Sprintf("TU.K01.%02d", i+1), u))
	}
	for i, u := range provinceUnits {
		b.buildProvinceUnit(p.partyID, fmt.Sprintf("TU.T%02d", i+1), u)
	}
}

func (b *builder) buildCommune(c *commune) {
	c.adminID = b.admin(org.AdminUnitInput{Code: c.adminCode(), Name: c.name, Level: org.Commune, LocalWord: c.word,
		ParentID: c.district.adminID, From: historyStart, HamletFacts: facts(c.population, c.households)})
	c.partyID = b.party(org.PartyUnitInput{Code: c.partyCode(), Name: "Đảng bộ " + c.title(), Kind: org.CommuneCommittee,
		OrgType: "territorial", ParentID: c.district.partyID, TerritoryID: c.adminID, From: historyStart})
	for _, h := range c.hamlets {
		b.buildHamlet(h)
	}
	for _, cell := range communeCells {
		if b.rng.Float64() >= cell.share {
			continue
		}
		place := c.name
		if cell.word {
			place = c.title()
		}
		members, committee := b.cellSize(historyStart)
		b.party(org.PartyUnitInput{Code: c.nextOrgCode(), Name: fmt.Sprintf(cell.name, place), Kind: org.GrassrootsCell,
			OrgType: cell.orgType, ParentID: c.partyID, From: historyStart, FullMembers: members, CommitteeSince: committee})
	}
}

// buildHamlet writes a planned hamlet, its own cell and its link.
func (b *builder) buildHamlet(h *hamlet) {
	c := h.commune
	h.adminID = b.admin(org.AdminUnitInput{Code: h.adminCode(), Name: h.name(), Level: org.Hamlet, LocalWord: h.word,
		ParentID: c.adminID, From: h.from, HamletFacts: h.facts})
	switch h.mode {
	case org.OwnCell:
		b.buildHamletCell(h, h.from)
	case org.CombinedCell:
		b.link(h, h.servedBy.cellID, org.CombinedCell, h.from)
	}
}

// buildHamletCell founds the hamlet's own cell on from and links the hamlet to it.
func (b *builder) buildHamletCell(h *hamlet, from time.Time) {
	h.cellID = b.party(org.PartyUnitInput{Code: h.cellCode(), Name: h.cellName(), Kind: org.AffiliatedCell,
		OrgType: "territorial", ParentID: h.commune.partyID, From: from, FullMembers: h.members, CommitteeSince: h.committee})
	h.mode = org.OwnCell
	b.link(h, h.cellID, org.OwnCell, from)
}

func (b *builder) buildEnterprise(c *commune, e enterprise) {
	code := c.nextOrgCode()
	id := b.party(org.PartyUnitInput{Code: code, Name: e.name, Kind: org.GrassrootsCommittee, OrgType: e.orgType,
		ParentID: c.partyID, From: e.from})
	b.buildCells(id, code+".C", e.cells, e.orgType, e.from)
	if e.intermediate != "" {
		sub := b.party(org.PartyUnitInput{Code: code + ".BP1", Name: e.intermediate, Kind: org.IntermediateCommittee,
			OrgType: e.orgType, ParentID: id, From: e.from})
		b.buildCells(sub, code+".BP1.C", e.subCells, e.orgType, e.from)
	}
}

// buildProvinceUnit writes a unit directly under the provincial committee or its bloc, with
// its cells, and returns its id.
func (b *builder) buildProvinceUnit(parent int64, code string, u provinceUnit) int64 {
	var members int
	var committee *time.Time
	if u.kind.IsCell() {
		members, committee = b.cellSize(historyStart)
	}
	id := b.party(org.PartyUnitInput{Code: code, Name: u.name, Kind: u.kind, OrgType: u.orgType, ParentID: parent,
		From: historyStart, FullMembers: members, CommitteeSince: committee})
	b.buildCells(id, code+".C", u.cells, u.orgType, historyStart)
	return id
}

// buildCells writes affiliated cells under parent, coded prefix01, prefix02…
func (b *builder) buildCells(parent int64, prefix string, names []string, orgType org.OrgType, from time.Time) {
	for i, name := range names {
		members, committee := b.cellSize(from)
		b.party(org.PartyUnitInput{Code: fmt.Sprintf("%s%02d", prefix, i+1), Name: name, Kind: org.AffiliatedCell,
			OrgType: orgType, ParentID: parent, From: from, FullMembers: members, CommitteeSince: committee})
	}
}

// buildHistory writes what changed between 2015 and the 2025 reorganisation, in date order.
func (b *builder) buildHistory(p *province) {
	communes := p.communes()

	// 2018: new residential areas become hamlets, meeting with a neighbour's cell; half of
	// them have their own cell from 2020.
	var grown []*hamlet
	for _, c := range communes {
		if b.rng.Float64() >= 0.06 {
			continue
		}
		h := b.addHamlet(c, c.hamlets[0].word, "", hamlets2018)
		h.facts = b.hamletFacts(c, h.word)
		h.mode, h.servedBy = org.CombinedCell, b.pickOwn(c)
		b.buildHamlet(h)
		grown = append(grown, h)
	}

	// 2020: a commune renamed, in both trees.
	var rural []*commune
	for _, c := range communes {
		if c.word == "xã" {
			rural = append(rural, c)
		}
	}
	c := rural[b.rng.IntN(len(rural))]
	old, name := c.name, b.placeName()
	note := fmt.Sprintf("Nghị quyết của UBTVQH về việc đổi tên xã %s thành xã %s", old, name)
	b.rename(org.AdminTree, c.adminID, name, rename2020, note)
	b.rename(org.PartyTree, c.partyID, "Đảng bộ xã "+name, rename2020, note)
	c.name = name

	for i, h := range grown {
		if i%2 == 0 {
			h.members, h.committee = b.cellSize(ownCells2020)
			b.buildHamletCell(h, ownCells2020)
		}
	}

	// 2021: more new hamlets, each with its own cell.
	for _, c := range communes {
		if b.rng.Float64() >= 0.05 {
			continue
		}
		h := b.addHamlet(c, c.hamlets[0].word, "", hamlets2021)
		h.facts = b.hamletFacts(c, h.word)
		h.mode = org.OwnCell
		h.members, h.committee = b.cellSize(hamlets2021)
		b.buildHamlet(h)
	}

	// 2023: two pairs of hamlets that already met in one cell merge, keeping that cell; two
	// pairs with a cell each merge, and so do their cells.
	start := b.rng.IntN(len(communes))
	shared, separate := 0, 0
	for i := range communes {
		c := communes[(start+i)%len(communes)]
		var own []*hamlet
		for _, h := range c.hamlets {
			if h.closed || !h.from.Equal(historyStart) {
				continue
			}
			if h.mode == org.CombinedCell && shared < 2 && !h.servedBy.closed {
				b.mergeHamletsSharingCell(c, h.servedBy, h)
				shared++
				own = nil
				break
			}
			if h.mode == org.OwnCell {
				own = append(own, h)
			}
		}
		if len(own) >= 2 && separate < 2 {
			b.mergeHamletsWithCells(c, own[0], own[1])
			separate++
		}
	}
}

// pickOwn returns one of the commune's open hamlets that has its own cell.
func (b *builder) pickOwn(c *commune) *hamlet {
	var own []*hamlet
	for _, h := range c.hamlets {
		if h.mode == org.OwnCell && !h.closed {
			own = append(own, h)
		}
	}
	return own[b.rng.IntN(len(own))]
}

// mergeHamlets merges hamlets of c into a new one on merge2023 and returns it.
func (b *builder) mergeHamlets(c *commune, hs ...*hamlet) *hamlet {
	h := b.addHamlet(c, hs[0].word, "", merge2023)
	var pop, households int
	var religious, ethnic float64
	ids := make([]int64, len(hs))
	for i, old := range hs {
		p := float64(*old.facts.Population)
		pop += *old.facts.Population
		households += *old.facts.Households
		religious += p * *old.facts.ReligiousShare
		ethnic += p * *old.facts.EthnicMinorityShare
		ids[i] = old.adminID
		old.closed = true
	}
	h.facts = org.HamletFacts{Population: &pop, Households: &households,
		ReligiousShare: ptr(round4(religious / float64(pop))), EthnicMinorityShare: ptr(round4(ethnic / float64(pop)))}
	b.hamletsOpen -= len(hs)
	if b.err != nil {
		return h
	}
	var err error
	h.adminID, err = org.MergeAdminUnits(b.ctx, b.tx, b.scope, org.Reorg{Effective: merge2023, Note: hamletsNote}, ids,
		org.AdminUnitInput{Code: h.adminCode(), Name: h.name(), Level: org.Hamlet, LocalWord: h.word, ParentID: c.adminID,
			HamletFacts: h.facts})
	b.check(err, "merge hamlets into %s", h.adminCode())
	return h
}

// mergeHamletsSharingCell merges a hamlet with the one whose cell it met with; the merged
// hamlet keeps that cell, renamed after it.
func (b *builder) mergeHamletsSharingCell(c *commune, own, guest *hamlet) {
	h := b.mergeHamlets(c, own, guest)
	h.mode, h.cellID, h.members, h.committee = org.OwnCell, own.cellID, own.members, own.committee
	b.rename(org.PartyTree, own.cellID, h.cellName(), merge2023, hamletsNote)
}

// mergeHamletsWithCells merges two hamlets with a cell each, and merges their cells.
func (b *builder) mergeHamletsWithCells(c *commune, h1, h2 *hamlet) {
	h := b.mergeHamlets(c, h1, h2)
	h.mode, h.members = org.OwnCell, h1.members+h2.members
	for _, old := range []*hamlet{h1, h2} {
		if old.committee != nil && (h.committee == nil || old.committee.Before(*h.committee)) {
			h.committee = old.committee
		}
	}
	if h.committee == nil && h.members >= 9 {
		h.committee = ptr(merge2023)
	}
	if b.err != nil {
		return
	}
	var err error
	h.cellID, err = org.MergePartyUnits(b.ctx, b.tx, b.scope, org.Reorg{Effective: merge2023, Note: hamletsNote},
		[]int64{h1.cellID, h2.cellID}, org.PartyUnitInput{Code: h.cellCode(), Name: h.cellName(), Kind: org.AffiliatedCell,
			OrgType: "territorial", ParentID: c.partyID, FullMembers: h.members, CommitteeSince: h.committee})
	b.check(err, "merge cells into %s", h.cellCode())
	b.partyOpen--
	b.link(h, h.cellID, org.OwnCell, merge2023)
}

// reorganise applies the 2025 reorganisation: communes merged (or moved) directly under the
// province, districts closed, the bloc's organisations moved under the provincial committee
// and the bloc closed.
func (b *builder) reorganise(p *province) {
	r := org.Reorg{Effective: reform2025, Note: reformNote}
	merged := 0
	for _, g := range p.groups {
		if len(g.communes) == 1 {
			c := g.communes[0]
			b.move(org.AdminTree, c.adminID, p.adminID)
			b.move(org.PartyTree, c.partyID, p.partyID)
			continue
		}
		merged++
		name, word := g.successor()
		var pop, households int
		var admins, parties []int64
		for _, c := range g.communes {
			pop += c.population
			households += c.households
			admins = append(admins, c.adminID)
			parties = append(parties, c.partyID)
		}
		if b.err != nil {
			return
		}
		adminCode, partyCode := fmt.Sprintf("DN.X%02d", merged), fmt.Sprintf("TU.X%02d", merged)
		admin, err := org.MergeAdminUnits(b.ctx, b.tx, b.scope, r, admins, org.AdminUnitInput{Code: adminCode, Name: name,
			Level: org.Commune, LocalWord: word, ParentID: p.adminID, HamletFacts: facts(pop, households)})
		b.check(err, "merge communes into %s", adminCode)
		if b.err != nil {
			return
		}
		_, err = org.MergePartyUnits(b.ctx, b.tx, b.scope, r, parties, org.PartyUnitInput{Code: partyCode,
			Name: "Đảng bộ " + word + " " + name, Kind: org.CommuneCommittee, OrgType: "territorial",
			ParentID: p.partyID, TerritoryID: admin})
		b.check(err, "merge commune committees into %s", partyCode)
		b.partyOpen -= len(g.communes) - 1
	}
	for _, d := range p.districts {
		b.closeParty(d.partyID)
		b.closeAdmin(d.adminID)
	}
	for _, id := range p.blocChildren {
		b.move(org.PartyTree, id, p.partyID)
	}
	b.closeParty(p.blocID)
}

// The steps below do nothing once a step has failed.

func (b *builder) check(err error, what string, args ...any) {
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("%s: %w", fmt.Sprintf(what, args...), err)
	}
}

func (b *builder) admin(in org.AdminUnitInput) int64 {
	if b.err != nil {
		return 0
	}
	id, err := org.CreateAdminUnit(b.ctx, b.tx, b.scope, in)
	b.check(err, "create administrative unit %s (%s)", in.Code, in.Name)
	return id
}

// party creates a Party unit. The warnings of the soft rules are expected: a few cells are
// below 3 full members' minimum or above the 30 of a grassroots committee, as in life.
func (b *builder) party(in org.PartyUnitInput) int64 {
	if b.err != nil {
		return 0
	}
	id, _, err := org.CreatePartyUnit(b.ctx, b.tx, b.scope, in)
	b.check(err, "create Party unit %s (%s)", in.Code, in.Name)
	b.partyOpen++
	return id
}

// link links h to cell from the day from. In one hamlet with its own cell in three, the cell's
// secretary is also the hamlet's head, as provinces encourage.
func (b *builder) link(h *hamlet, cell int64, mode org.LinkMode, from time.Time) {
	if b.err != nil {
		return
	}
	head := mode == org.OwnCell && h.index%3 == 0
	b.check(org.SetLink(b.ctx, b.tx, b.scope, h.adminID, cell, mode, head, from), "link hamlet %s", h.adminCode())
}

func (b *builder) rename(tree org.Tree, unit int64, name string, on time.Time, note string) {
	if b.err != nil {
		return
	}
	err := org.RenameUnit(b.ctx, b.tx, b.scope, tree, org.Reorg{Effective: on, Note: note}, unit, name)
	b.check(err, "rename %s unit %d to %s", tree, unit, name)
}

func (b *builder) move(tree org.Tree, unit, parent int64) {
	if b.err != nil {
		return
	}
	err := org.MoveUnit(b.ctx, b.tx, b.scope, tree, org.Reorg{Effective: reform2025, Note: reformNote}, unit, parent)
	b.check(err, "move %s unit %d", tree, unit)
}

func (b *builder) closeParty(id int64) {
	b.close(org.PartyTree, id)
	b.partyOpen--
}

func (b *builder) closeAdmin(id int64) { b.close(org.AdminTree, id) }

// close closes unit id of tree on reform2025, at the version it holds then.
func (b *builder) close(tree org.Tree, id int64) {
	if b.err != nil {
		return
	}
	u, err := org.GetUnit(b.ctx, b.tx, b.scope, tree, id, reform2025)
	if err == nil {
		err = org.CloseUnit(b.ctx, b.tx, b.scope, tree, id, u.Version, reform2025)
	}
	b.check(err, "close %s unit %d", tree, id)
}
