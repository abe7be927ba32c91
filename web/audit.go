package web

import (
	"cmp"
	"net/url"

	"ptdang/internal/account"
	"ptdang/internal/audit"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/quality"
	"ptdang/internal/register"
	"ptdang/internal/report"
)

// NewAuditView is the change log page of rows, found with the filters of q; limited when more
// were found than the page shows.
func NewAuditView(q url.Values, rows []audit.Row, limited bool) AuditView {
	v := AuditView{Label: q.Get("label"), Login: q.Get("by"), From: q.Get("from"), To: q.Get("to"),
		CSVHref: "/admin/audit.csv?" + url.Values{"label": {q.Get("label")}, "by": {q.Get("by")}, "from": {q.Get("from")}, "to": {q.Get("to")}}.Encode(),
		Limited: limited}
	for _, a := range rows {
		v.Rows = append(v.Rows, NewAuditRow(a))
	}
	return v
}

// NewAuditRow is one entry of the change log as people read it.
func NewAuditRow(a audit.Row) AuditRowView {
	row := AuditRowView{At: format.DateTime(a.At.In(format.Zone)), Login: a.Login, Addr: a.Addr,
		Action: audit.ActionLabel(a.Action), Entity: audit.EntityLabel(a.Entity), Label: a.Label, Reason: a.Reason}
	for _, ch := range AuditWords.Changes(a.Entity, a.Old, a.New) {
		row.Changes = append(row.Changes, AuditChange(ch))
	}
	return row
}

// AuditWords names what the packages record in their own Vietnamese: the report's figures
// (report.FullLabel) and enumerated values.
var AuditWords = audit.Words{
	Field: func(entity, key string) string {
		switch entity {
		case "quarterly_report":
			return report.FullLabel(key)
		case "candidate", "register_retention":
			return register.AuditLabel(key)
		case "admission_rules":
			return register.RuleLabel(key)
		}
		return ""
	},
	Value: func(key, v string) string {
		switch key {
		case "state":
			return report.State(v).Label()
		case "role":
			return account.Role(v).Label()
		case "kind": // a unit's kind, or a file's step
			return cmp.Or(org.Kind(v).Label(), register.AuditValue(key, v))
		case "org_type":
			return org.OrgType(v).Label()
		case "level":
			return org.Level(v).Label()
		case "mode":
			return org.LinkMode(v).Label()
		case "own_rating":
			return quality.Category(v).Label()
		case "sex", "occupation", "education", "cause":
			return register.AuditValue(key, v)
		}
		return ""
	},
}

var auditTable = exchange.Table{Sheet: "Nhật ký thay đổi", Columns: []exchange.Column{
	{Key: "at", Header: "Thời điểm"}, {Key: "login", Header: "Người thực hiện"}, {Key: "addr", Header: "Địa chỉ"},
	{Key: "action", Header: "Thao tác"}, {Key: "entity", Header: "Loại đối tượng"}, {Key: "label", Header: "Đối tượng"},
	{Key: "changes", Header: "Thay đổi"}, {Key: "reason", Header: "Lý do"},
	{Key: "old", Header: "Trước (dữ liệu gốc)"}, {Key: "new", Header: "Sau (dữ liệu gốc)"},
}}

// AuditSheet is the change log as a table to download: what the page shows, and the data as
// recorded.
func AuditSheet(rows []audit.Row) exchange.Sheet {
	sheet := exchange.Sheet{Table: auditTable}
	for _, a := range rows {
		sheet.Rows = append(sheet.Rows, []any{format.DateTime(a.At.In(format.Zone)), a.Login, a.Addr, audit.ActionLabel(a.Action),
			audit.EntityLabel(a.Entity), a.Label, AuditWords.Text(a.Entity, a.Old, a.New), a.Reason, a.Old, a.New})
	}
	return sheet
}
