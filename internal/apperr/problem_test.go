package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

// Every kind of domain error maps to its status and a Vietnamese message; a message the error
// carries wins over the default, except a not-found's (it must not tell what exists); wrapping
// changes nothing; an error of no kind is not the user's to act on.
func TestProblemOfEveryKind(t *testing.T) {
	inv := &Invalid{}
	inv.Add("year", "Năm phải là số.")
	for _, c := range []struct {
		name    string
		err     error
		status  int
		message string
	}{
		{"invalid", inv, http.StatusUnprocessableEntity, msgFixErrors},
		{"invalid, its message", Refuse(inv, "Năm và kỳ không hợp lệ."), http.StatusUnprocessableEntity, "Năm và kỳ không hợp lệ."},
		{"warnings", Warnings{"admitted": "khác thường"}, http.StatusUnprocessableEntity, msgConfirm},
		{"conflict, wrapped", fmt.Errorf("save: %w", ErrConflict), http.StatusConflict, msgConflict},
		{"forbidden, its message", Refuse(ErrForbidden, "Chỉ Ban Tổ chức Tỉnh ủy gia hạn."), http.StatusForbidden, "Chỉ Ban Tổ chức Tỉnh ủy gia hạn."},
		{"locked", ErrLocked, http.StatusConflict, msgLocked},
		{"not found, its message withheld", Refuse(ErrNotFound, "Chi bộ X.C1 không thuộc xã này."), http.StatusNotFound, msgNotFound},
		{"busy, its message", Refuse(ErrBusy, "Đang nhập hai tệp khác."), http.StatusServiceUnavailable, "Đang nhập hai tệp khác."},
	} {
		p, ok := ProblemOf(c.err)
		if !ok || p.Status != c.status || p.Message != c.message || p.Heading == "" {
			t.Errorf("%s: %v %d %q (heading %q), want %d %q", c.name, ok, p.Status, p.Message, p.Heading, c.status, c.message)
		}
	}
	if p, _ := ProblemOf(inv); p.Fields["year"] != "Năm phải là số." {
		t.Errorf("the fields of an Invalid are lost: %v", p.Fields)
	}
	if _, ok := ProblemOf(errors.New("connection reset")); ok {
		t.Error("a database error is taken for the user's to act on")
	}
}
