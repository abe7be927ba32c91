package web

import (
	"ptdang/internal/account"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/quality"
	"ptdang/internal/report"
)

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
// (with their section where a label repeats, as "Nữ" does) and enumerated values.
var AuditWords = audit.Words{
	Field: func(entity, key string) string {
		if entity == "quarterly_report" {
			return reportFieldLabels[key]
		}
		return ""
	},
	Value: func(key, v string) string {
		switch key {
		case "state":
			return report.State(v).Label()
		case "role":
			return account.Role(v).Label()
		case "kind":
			return org.Kind(v).Label()
		case "org_type":
			return org.OrgType(v).Label()
		case "level":
			return org.Level(v).Label()
		case "mode":
			return org.LinkMode(v).Label()
		case "own_rating":
			return quality.Category(v).Label()
		}
		return ""
	},
}

var reportFieldLabels = func() map[string]string {
	seen, labels := map[string]int{}, map[string]string{}
	for _, sec := range report.Sections {
		for _, f := range sec.Fields {
			seen[f.Label]++
		}
	}
	for _, sec := range report.Sections {
		for _, f := range sec.Fields {
			labels[f.Key] = f.Label
			if seen[f.Label] > 1 {
				labels[f.Key] = f.Label + " (" + sec.Title + ")"
			}
		}
	}
	return labels
}()
