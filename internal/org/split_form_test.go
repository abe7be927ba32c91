package org

import "testing"

func TestReadPartsSkipsBlankPartsAndNamesAMissingShare(t *testing.T) {
	typed := map[string]string{"code_1": "CB01", "name_1": "Chi bộ 1", "share_1": "60 %",
		"code_2": "CB02", "share_2": "", "name_3": "Chi bộ 3", "share_3": "nhiều", "share_4": "10"}
	parts, errs := ReadParts(func(k string) string { return typed[k] }, 4)
	if len(parts) != 1 || parts[0] != (NewPart{Code: "CB01", Name: "Chi bộ 1", Share: 0.6}) {
		t.Errorf("parts = %+v, want only CB01 with 60 %%", parts)
	}
	if len(errs) != 2 || errs["share_2"] == "" || errs["share_3"] == "" || errs["share_2"] == errs["share_3"] {
		t.Errorf("errs = %v, want a missing share on share_2 and a malformed one on share_3", errs)
	}
}
