package stats

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"ptdang/internal/register"
)

// occupationRows is the Biểu 2 row (section III) each occupation group of the register
// (register.Occupations) counts in. Workers and students are not here: rows 8 and 11 are the
// quarterly reports' totals. Civil servants have a row of their own: the register does not tell
// apart rows 1, 2, 3 and 5. A private business owner leads their enterprise (row 7).
var occupationRows = map[string]string{
	"farmer": "occupation_9", "armed_forces": "occupation_10", "business_owner": "occupation_7",
	"hamlet_staff": "occupation_4", "other": "occupation_12", "civil_servant": "occupation_13",
}

// educationRows are the Biểu 2 rows (sections V and VI) each education level of the register
// (register.Educations, the highest level reached) counts in. College and university admit
// only those who finished upper secondary school; vocational schools admit after lower
// secondary too, so their general level is not known (school_5).
var educationRows = map[string][]string{
	"primary": {"school_2"}, "lower_secondary": {"school_3"}, "upper_secondary": {"school_4"},
	"vocational": {"school_5", "profession_2"}, "college": {"school_4", "profession_3"},
	"university": {"school_4", "profession_4"}, "postgraduate": {"school_4", "profession_7"},
}

// meanAgeKey is the key of Biểu 2's mean age (in tenths of a year).
const meanAgeKey = "age_9"

// personKeys are the keys of Biểu 2's rows counted from the register.
var personKeys = func() map[string]bool {
	keys := map[string]bool{meanAgeKey: true}
	for i := 1; i <= 8; i++ {
		keys["age_"+strconv.Itoa(i)] = true
	}
	for _, k := range occupationRows {
		keys[k] = true
	}
	for _, ks := range educationRows {
		for _, k := range ks {
			keys[k] = true
		}
	}
	return keys
}()

// ageOn is the age in full years on day of someone born on born.
func ageOn(born, day time.Time) int {
	age := day.Year() - born.Year()
	if day.Month() < born.Month() || (day.Month() == born.Month() && day.Day() < born.Day()) {
		age--
	}
	return age
}

// ageKey is the key of Biểu 2's age band of age: 18–30 (none admitted is younger), 31–35 …
// 56–60, over 60.
func ageKey(age int) string {
	band := 8
	switch {
	case age <= 30:
		band = 1
	case age <= 60:
		band = 2 + (age-31)/5
	}
	return "age_" + strconv.Itoa(band)
}

// countPeople counts people into the keys of the rows counted from the register: Biểu 2's
// (occupation, age on the admission day, education; the mean age in tenths of a year, 0 for
// nobody) and Biểu 2B's (groupKey).
func countPeople(people []register.Admission) map[string]int {
	out := map[string]int{}
	years := 0
	for _, a := range people {
		age := ageOn(a.BirthDate, a.On)
		years += age
		keys := append([]string{ageKey(age), occupationRows[a.Occupation]}, educationRows[a.Education]...)
		for _, g := range []string{"ethnic", "religion"} {
			keys = append(keys, groupKey(g, a))
			if a.Sex == "female" {
				keys = append(keys, groupKey(g, a)+femaleSuffix)
			}
		}
		for _, k := range keys {
			if k != "" {
				out[k]++
			}
		}
	}
	if len(people) > 0 {
		out[meanAgeKey] = int(math.Round(float64(years) * 10 / float64(len(people))))
	}
	return out
}

// femaleSuffix ends the key of the women of a Biểu 2B row.
const femaleSuffix = "/nữ"

// noReligion names the row of those who follow no religion (an empty religion in the register).
const noReligion = "Không theo tôn giáo"

// groupName is a's ethnic group (kind "ethnic") or religion ("religion") as Biểu 2B names its
// row: the register's words with their spaces tidied.
func groupName(kind string, a register.Admission) string {
	name := a.Ethnicity
	if kind == "religion" {
		name = a.Religion
	}
	if name = strings.Join(strings.Fields(name), " "); name == "" && kind == "religion" {
		return noReligion
	}
	return name
}

// groupKey is the key of a's Biểu 2B row of kind "ethnic" or "religion".
func groupKey(kind string, a register.Admission) string { return kind + ":" + groupName(kind, a) }

// biểu2BLines is the fixed part of Biểu 2B (docs/forms.md; the official layout is unconfirmed):
// the members admitted, from the quarterly reports, then one heading per breakdown whose rows
// groupLines adds.
var biểu2BLines = []Line{
	{No: "I", Label: "Tổng số đảng viên mới kết nạp", Key: "admitted", Group: true},
	{Label: "Trong đó: nữ", Key: "adm_women", Of: true},
	{No: "1", Label: "Dân tộc thiểu số", Key: "adm_ethnic_minority"},
	{No: "2", Label: "Người theo tôn giáo", Key: "adm_religious"},
	{No: "II", Label: "Chia theo dân tộc", Key: "", Group: true},
	{No: "III", Label: "Chia theo tôn giáo", Key: "", Group: true},
}

// groupLines is Biểu 2B's lines: the fixed ones, each breakdown heading followed by a row per
// ethnic group (religion) of the people admitted this period or last, in the order of the lists
// (register.Ethnicities, register.Religions; a value on neither, kept from before they were
// lists, after them in Vietnamese order; those of no religion last), each with its women.
func groupLines(fixed []Line, people, lastPeople []register.Admission) []Line {
	var lines []Line
	for _, l := range fixed {
		lines = append(lines, l)
		kind := map[string]string{"II": "ethnic", "III": "religion"}[l.No]
		if kind == "" {
			continue
		}
		seen := map[string]bool{}
		var names []string
		for _, a := range append(people[:len(people):len(people)], lastPeople...) {
			if n := groupName(kind, a); !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
		vietnamese := collate.New(language.Vietnamese) // a collator is not safe for concurrent use
		slices.SortFunc(names, func(a, b string) int {
			return cmp.Or(cmp.Compare(groupRank(kind, a), groupRank(kind, b)), vietnamese.CompareString(a, b))
		})
		for i, n := range names {
			key := kind + ":" + n
			lines = append(lines, Line{No: strconv.Itoa(i + 1), Label: n, Key: key, FromPeople: true},
				Line{Label: "Trong đó: nữ", Key: key + femaleSuffix, Of: true, FromPeople: true})
		}
	}
	return lines
}

// groupRank is the place of name among Biểu 2B's rows of kind: its place in the list, then
// the names on no list, then those of no religion.
func groupRank(kind, name string) int {
	list := register.Ethnicities
	if kind == "religion" {
		list = register.Religions
	}
	switch i := slices.Index(list, name); {
	case i >= 0:
		return i
	case name == noReligion:
		return len(list) + 1
	}
	return len(list)
}
