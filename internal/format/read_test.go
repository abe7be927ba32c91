package format

import (
	"testing"
	"time"
)

func TestReadersTakeWhatPeopleTypeAndNameWhatIsWrong(t *testing.T) {
	ints := []struct {
		text    string
		want    int
		wantMsg bool
	}{{"", 0, false}, {" 1.234 ", 1234, false}, {"-12", -12, false}, {"12a", 0, true}, {"2147483648", 0, true}, {"99999999999999999999", 0, true}}
	for _, c := range ints {
		if got, msg := ReadInt(c.text); got != c.want || (msg != "") != c.wantMsg {
			t.Errorf("ReadInt(%q) = %d, %q", c.text, got, msg)
		}
	}
	percents := []struct {
		text    string
		want    float64
		wantMsg bool
	}{{"12,5", 0.125, false}, {"40 %", 0.4, false}, {"100", 1, false}, {"NaN", 0, true}, {"Inf", 0, true}, {"nhiều", 0, true}}
	for _, c := range percents {
		if got, msg := ReadPercent(c.text); got != c.want || (msg != "") != c.wantMsg {
			t.Errorf("ReadPercent(%q) = %v, %q", c.text, got, msg)
		}
	}
	if d, msg := ReadDate("1/7/2025"); msg != "" || !d.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ReadDate(1/7/2025) = %v, %q", d, msg)
	}
	if d, msg := ReadDate("  "); msg != "" || !d.IsZero() {
		t.Errorf("ReadDate(blank) = %v, %q: the domain names a missing date", d, msg)
	}
	if _, msg := ReadDate("31/02/2025"); msg == "" {
		t.Error("ReadDate(31/02/2025) took a day that does not exist")
	}
}
