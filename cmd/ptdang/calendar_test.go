package main

import (
	"bytes"
	"strings"
	"testing"

	"ptdang/internal/pgtest"
)

func TestCalendarCommandListsAddsAndRemovesDaysOff(t *testing.T) {
	url := pgtest.URL(t)
	ptdang := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(t.Context(), append([]string{"calendar", "-database-url=" + url}, args...), &out)
		return out.String(), err
	}
	if _, err := ptdang("add", "-day", "2025-05-02", "-kind", "off", "-note", "Nghỉ hoán đổi dịp 30/4"); err != nil {
		t.Fatal(err)
	}
	if _, err := ptdang("add", "-day", "2025-04-26", "-kind", "working", "-note", "Làm bù cho 02/05"); err != nil {
		t.Fatal(err)
	}
	out, err := ptdang("list", "-year", "2025")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"29/01/2025  Tết Âm lịch (mùng 1)\n",
		"03/02/2025  Nghỉ bù Tết Âm lịch (mùng 4)\n",
		"07/04/2025  Giỗ Tổ Hùng Vương (10/3 âm lịch)\n",
		"02/05/2025  Nghỉ hoán đổi dịp 30/4\n",
		"26/04/2025  Ngày làm việc bù: Làm bù cho 02/05\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("list 2025 lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "26/04/2025  Thứ Bảy") {
		t.Errorf("the make-up Saturday is listed as a day off:\n%s", out)
	}
	if _, err := ptdang("add", "-day", "2025-05-02", "-kind", "off", "-note", "again"); err == nil || !strings.Contains(err.Error(), "đã có") {
		t.Errorf("adding the day twice: %v, want a refusal", err)
	}
	if _, err := ptdang("add", "-day", "2025-05-03", "-kind", "off", "-note", "x"); err == nil || !strings.Contains(err.Error(), "vốn là ngày nghỉ") {
		t.Errorf("a day off on a Saturday: %v, want a refusal", err)
	}
	if _, err := ptdang("add", "-day", "02/05/2025", "-kind", "off", "-note", "x"); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("a day in another format: %v", err)
	}
	if _, err := ptdang("remove", "-day", "2025-05-02"); err != nil {
		t.Fatal(err)
	}
	if _, err := ptdang("remove", "-day", "2025-05-02"); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("removing it twice: %v", err)
	}
	if out, _ := ptdang("list", "-year", "2025"); strings.Contains(out, "02/05/2025") {
		t.Errorf("02/05/2025 still listed after removal:\n%s", out)
	}
}
