package apperr

import (
	"cmp"
	"errors"
	"net/http"
)

// ErrBusy: the server has no room for this now (too many sign-ins or imports waiting); the
// user should try again a little later.
var ErrBusy = errors.New("busy")

// Problem is what a domain error means to the person who caused it, the same on a page, in an
// htmx partial and in the API.
type Problem struct {
	Status   int
	Heading  string            // for an error page
	Message  string            // one Vietnamese sentence: what happened and what to do
	Fields   map[string]string // field → message (Invalid)
	Warnings map[string]string // field → unusual value to confirm (Warnings)
}

// Default messages; an error may carry its own (Message).
const (
	msgFixErrors = "Chưa lưu được: xin sửa các mục được đánh dấu đỏ bên dưới."
	msgConfirm   = "Có số liệu khác thường (đánh dấu vàng). Xin kiểm tra; nếu đúng, đánh dấu ô xác nhận ở cuối rồi bấm Gửi lần nữa."
	msgConflict  = "Dữ liệu này vừa được người khác thay đổi. Xin tải lại trang để xem bản mới rồi làm lại."
	msgForbidden = "Đồng chí không được làm việc này."
	msgLocked    = "Dữ liệu này đang khóa, không sửa được."
	msgNotFound  = "Trang này không tồn tại hoặc đồng chí không có quyền xem."
	msgBusy      = "Đang có quá nhiều người đăng nhập cùng lúc. Xin đợi một lát rồi thử lại sau."
)

// ProblemOf is the one mapping from the errors of this package to an HTTP status and a message.
// ok is false for an error the user cannot act on: the caller logs it and answers with a 500.
func ProblemOf(err error) (p Problem, ok bool) {
	var (
		inv   *Invalid
		warns Warnings
	)
	or := func(def string) string { return cmp.Or(Message(err), def) }
	switch {
	case errors.As(err, &inv):
		return Problem{Status: http.StatusUnprocessableEntity, Heading: "Dữ liệu chưa hợp lệ", Message: or(msgFixErrors), Fields: inv.Fields}, true
	case errors.As(err, &warns):
		return Problem{Status: http.StatusUnprocessableEntity, Heading: "Cần xác nhận", Message: or(msgConfirm), Warnings: warns}, true
	case errors.Is(err, ErrConflict):
		return Problem{Status: http.StatusConflict, Heading: "Dữ liệu vừa thay đổi", Message: or(msgConflict)}, true
	case errors.Is(err, ErrForbidden):
		return Problem{Status: http.StatusForbidden, Heading: "Không được phép", Message: or(msgForbidden)}, true
	case errors.Is(err, ErrLocked):
		return Problem{Status: http.StatusConflict, Heading: "Đã khóa", Message: or(msgLocked)}, true
	case errors.Is(err, ErrNotFound):
		return Problem{Status: http.StatusNotFound, Heading: "Không tìm thấy trang", Message: msgNotFound}, true
	case errors.Is(err, ErrBusy):
		return Problem{Status: http.StatusServiceUnavailable, Heading: "Hệ thống đang bận", Message: or(msgBusy)}, true
	}
	return Problem{}, false
}
