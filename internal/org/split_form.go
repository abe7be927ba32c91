package org

import (
	"strconv"
	"strings"

	"ptdang/internal/format"
)

// ReadParts reads the successors typed into a split form of n parts, value giving each field's
// text: part i's code, name and share (a percentage) in "code_i", "name_i" and "share_i". A part
// without code and name is left out; one without a well-formed share gets a message on its share
// field in errs.
func ReadParts(value func(field string) string, n int) (parts []NewPart, errs map[string]string) {
	errs = map[string]string{}
	for i := 1; i <= n; i++ {
		code, name, share := "code_"+strconv.Itoa(i), "name_"+strconv.Itoa(i), "share_"+strconv.Itoa(i)
		if value(code) == "" && value(name) == "" {
			continue
		}
		if strings.TrimSpace(strings.TrimSuffix(value(share), "%")) == "" {
			errs[share] = "Nhập tỷ lệ phần trăm số liệu đơn vị này nhận."
			continue
		}
		p, msg := format.ReadPercent(value(share))
		if msg != "" {
			errs[share] = msg
			continue
		}
		parts = append(parts, NewPart{Code: value(code), Name: value(name), Share: p})
	}
	return parts, errs
}
