package register

import (
	"fmt"

	"ptdang/internal/exchange"
)

// Ethnicities are the 54 ethnic groups of Vietnam (dân tộc), in the order and with the names of
// the General Statistics Office's list, "Danh mục các thành phần dân tộc Việt Nam", issued by
// Quyết định 121-TCTK/PPCĐ of 02/3/1979 (codes 01 to 54, by population in 1979). The list has no
// entry for foreigners or for "other", so neither has ours. Copies of the list differ in hyphens
// and capitals (Khơ-me, Khơ me; HMông, Hmông, H'mông; Cơ Lao, Co Lao): we keep the spelling of the
// copy the Statistics Office of Đà Nẵng publishes, with the names in brackets (Kinh (Việt),
// Hoa (Hán), HMông (Mèo)) as aliases. Any spelling that folds alike is read as the same group.
var Ethnicities = []string{
	"Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "HMông", "Dao", "Gia-rai",
	"Ngái", "Ê-đê", "Ba-na", "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông",
	"Ra-glai", "Xtiêng", "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ", "Khơ-mú", "Co",
	"Tà-ôi", "Chơ-ro", "Kháng", "Xinh-mun", "Hà Nhì", "Chu-ru", "Lào", "La Chí", "La Ha", "Phù Lá",
	"La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cờ Lao", "Cống", "Bố Y", "Si La",
	"Pu Péo", "Brâu", "Ơ-đu", "Rơ-măm",
}

// NoReligion is how the form and the import name no religion; a file stores it as "".
const NoReligion = "Không"

// OtherReligion is a religion outside the State's list (a belief or group not recognised).
const OtherReligion = "Khác"

// Religions are the 16 religions the State recognises, as the Government Committee for Religious
// Affairs (Ban Tôn giáo Chính phủ) lists them with their organisations (Bộ Nội vụ, công văn
// 6955/BNV-TGCP, 28/12/2020: 36 organisations of 16 religions; later recognitions added
// organisations, not religions), then OtherReligion. No religion is "" (NoReligion on the form).
// An organisation names its religion: "Phật đường Nam tông Minh Sư đạo" is Minh Sư đạo.
var Religions = []string{
	"Phật giáo", "Công giáo", "Tin lành", "Cao Đài", "Phật giáo Hòa Hảo", "Hồi giáo", "Tôn giáo Baha'i",
	"Tịnh độ Cư sĩ Phật hội Việt Nam", "Cơ đốc Phục lâm", "Phật giáo Tứ Ân Hiếu Nghĩa", "Minh Sư đạo",
	"Minh Lý đạo - Tam Tông Miếu", "Bà-la-môn giáo", "Giáo hội Các Thánh hữu Ngày sau của Chúa Giê-su Ki-tô",
	"Phật giáo Hiếu Nghĩa Tà Lơn", "Bửu Sơn Kỳ Hương", OtherReligion,
}

// Other names people write for a group or a religion, as the import and the old free text met
// them. Migration 000021 holds the same words, folded: TestMigrationMapsTheAliases checks it.
var (
	ethnicityAliases = map[string]string{
		"Việt": "Kinh", "Kinh (Việt)": "Kinh", "Hoa (Hán)": "Hoa", "Hán": "Hoa", "Khmer": "Khơ-me",
		"Khmer Krôm": "Khơ-me", "HMông (Mèo)": "HMông", "Mông": "HMông", "Mèo": "HMông", "Hmong": "HMông",
		"Jrai": "Gia-rai", "Ja-rai": "Gia-rai", "Ra-đê": "Ê-đê", "Bahnar": "Ba-na", "Sedang": "Xơ-đăng",
		"Sán Chay (Cao Lan - Sán Chỉ)": "Sán Chay", "Cao Lan": "Sán Chay", "K'Ho": "Cơ-ho",
		"M'Nông": "Mnông", "Stiêng": "Xtiêng", "Vân Kiều": "Bru-Vân Kiều", "Katu": "Cơ-tu",
		"Khmú": "Khơ-mú",
	}
	religionAliases = map[string]string{
		"": "", "Không theo tôn giáo": "", "Không tôn giáo": "", "Không có": "",
		"Đạo Phật": "Phật giáo", "Thiên Chúa giáo": "Công giáo", "Đạo Thiên Chúa": "Công giáo",
		"Đạo Tin lành": "Tin lành", "Đạo Cao Đài": "Cao Đài", "Hòa Hảo": "Phật giáo Hòa Hảo",
		"Đạo Hồi": "Hồi giáo", "Islam": "Hồi giáo", "Baha'i": "Tôn giáo Baha'i", "Đạo Baha'i": "Tôn giáo Baha'i",
		"Tịnh độ Cư sỹ Phật hội Việt Nam":   "Tịnh độ Cư sĩ Phật hội Việt Nam",
		"Giáo hội Cơ đốc Phục lâm Việt Nam": "Cơ đốc Phục lâm", "Tứ Ân Hiếu Nghĩa": "Phật giáo Tứ Ân Hiếu Nghĩa",
		"Đạo Tứ Ân Hiếu Nghĩa": "Phật giáo Tứ Ân Hiếu Nghĩa", "Phật đường Nam tông Minh Sư đạo": "Minh Sư đạo",
		"Giáo hội Phật đường Nam tông Minh Sư đạo": "Minh Sư đạo", "Minh Lý đạo": "Minh Lý đạo - Tam Tông Miếu",
		"Bà La Môn": "Bà-la-môn giáo", "Chăm Bà-la-môn": "Bà-la-môn giáo", "Mặc Môn": "Giáo hội Các Thánh hữu Ngày sau của Chúa Giê-su Ki-tô",
		"Giáo hội Các Thánh hữu Ngày sau của Chúa Giêsu Kitô": "Giáo hội Các Thánh hữu Ngày sau của Chúa Giê-su Ki-tô",
		"Hiếu Nghĩa Tà Lơn": "Phật giáo Hiếu Nghĩa Tà Lơn", "Đạo Bửu Sơn Kỳ Hương": "Bửu Sơn Kỳ Hương",
	}
	ethnicityWords = words(Ethnicities, ethnicityAliases)
	religionWords  = words(append([]string{NoReligion}, Religions...), religionAliases)
)

// words maps the folded spelling (exchange.Fold: accents, case, spaces and punctuation aside) of
// each name and alias to its name; NoReligion maps to "". Two names folding alike would make the
// list ambiguous: it panics at start-up.
func words(names []string, aliases map[string]string) map[string]string {
	m := map[string]string{}
	add := func(word, name string) {
		if name == NoReligion {
			name = ""
		}
		if old, ok := m[exchange.Fold(word)]; ok && old != name {
			panic("register: " + word + " folds like " + old)
		}
		m[exchange.Fold(word)] = name
	}
	for _, n := range names {
		add(n, n)
	}
	for a, n := range aliases {
		add(a, n)
	}
	return m
}

// Ethnicity is the listed ethnic group s names, in its listed spelling: s may differ from it in
// case, accents, spaces or hyphens, or be an alias ("Việt", "Khmer", "Mông"). ok is false when
// it names none.
func Ethnicity(s string) (name string, ok bool) {
	name, ok = ethnicityWords[exchange.Fold(s)]
	return name, ok
}

// Religion is the listed religion s names, as Ethnicity reads it; "" (ok) for no religion, which
// "", NoReligion and "Không theo tôn giáo" name.
func Religion(s string) (name string, ok bool) {
	name, ok = religionWords[exchange.Fold(s)]
	return name, ok
}

// readListed reads p's ethnicity and religion as Ethnicity and Religion read them, and returns
// what is wrong with each (by field) that neither list holds: the words of the import's column
// and, after the field's name, of the form.
func (p *Person) readListed() map[string]string {
	bad := map[string]string{}
	if e, ok := Ethnicity(p.Ethnicity); ok {
		p.Ethnicity = e
	} else if p.Ethnicity == "" {
		bad["ethnicity"] = "chọn một dân tộc trong danh sách."
	} else {
		bad["ethnicity"] = fmt.Sprintf("%q không có trong danh mục 54 dân tộc (Quyết định 121-TCTK/PPCĐ); chọn một dân tộc trong danh sách.", p.Ethnicity)
	}
	if r, ok := Religion(p.Religion); ok {
		p.Religion = r
	} else {
		bad["religion"] = fmt.Sprintf("%q không có trong danh sách tôn giáo; chọn %q nếu là tôn giáo khác, %q nếu không theo tôn giáo nào.",
			p.Religion, OtherReligion, NoReligion)
	}
	return bad
}
