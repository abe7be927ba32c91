package register

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// DefaultRetentionYears is how long a removed person's file is kept where the province has set
// nothing. It is a default chosen here, not a legal figure.
const DefaultRetentionYears = 5

// editable refuses a change to a closed file: it is kept read-only until it is purged.
func (f File) editable() error {
	if f.Closed() {
		return &apperr.Invalid{Fields: map[string]string{"name": "Hồ sơ đã kết thúc: chỉ được xem, không sửa."}}
	}
	return nil
}

// Retention is a province's retention period for removed persons' files, and the version a
// change of it is made from (0 while the default applies).
type Retention struct {
	ProvinceID int64
	Years      int
	Version    int
}

// RetentionOf reads the retention period of province, which must be a province committee in by's
// scope on today (apperr.ErrNotFound otherwise).
func RetentionOf(ctx context.Context, q pg.Querier, by org.Scope, province int64, today time.Time) (Retention, error) {
	x := Retention{ProvinceID: province, Years: DefaultRetentionYears}
	var ok bool
	err := q.QueryRow(ctx, `
		SELECT v.kind = 'province_committee' AND ($1::bigint[] IS NULL OR party_in_scope($3, $1, $2)),
			COALESCE(r.years, $4), COALESCE(r.version, 0)
		FROM party_version_at($3, $2) v LEFT JOIN register_retention r ON r.province_id = $3`,
		by.SQLRoots(), today, province, DefaultRetentionYears).Scan(&ok, &x.Years, &x.Version)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !ok) {
		return Retention{}, apperr.ErrNotFound
	}
	return x, err
}

// SetRetention sets province's retention period to years, from version, in the name of by on
// today, and audits old → new. It returns apperr.ErrNotFound for a province outside by's scope,
// apperr.ErrConflict when the setting changed since version, and an *apperr.Invalid for years
// outside 1–100.
func SetRetention(ctx context.Context, db pg.Beginner, by org.Scope, province int64, version, years int, today time.Time) error {
	if years < 1 || years > 100 {
		return &apperr.Invalid{Fields: map[string]string{"years": "Thời hạn lưu: từ 1 đến 100 năm."}}
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		old, err := RetentionOf(ctx, tx, by, province, today)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO register_retention AS r (province_id, years) VALUES ($1, $2)
			ON CONFLICT (province_id) DO UPDATE SET years = $2, version = r.version + 1 WHERE r.version = $3`,
			province, years, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 || old.Version != version {
			return apperr.ErrConflict
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "update", Entity: "register_retention", EntityID: province,
			Label: "thời hạn lưu hồ sơ", UnitID: province, Old: map[string]any{"years": old.Years}, New: map[string]any{"years": years}})
	})
}

// Purge deletes, as of today, the files of removed persons (withdrawn, not recognised) whose
// closing step is older than their province's retention period, with their steps; redacts the
// earlier audit entries of each (their label and the values they recorded, but for step kinds and
// dates, vote counts and cell ids: audit_redacted); and writes one audit entry per file in by's
// name holding no personal data (the file's number, its cell, its dates, how many entries were
// redacted). It returns how many files it purged.
func Purge(ctx context.Context, db pg.Beginner, by audit.Actor, today time.Time) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT c.id, c.cell_id, c.created_at::date, s.kind, s.on_date
			FROM candidate c
			JOIN candidate_step s ON s.candidate_id = c.id AND s.kind IN ('withdrawn', 'not_recognised')
			LEFT JOIN register_retention r ON r.province_id = party_province_of(c.cell_id, s.on_date)
			WHERE s.on_date + make_interval(years => COALESCE(r.years, $2)) <= $1
			ORDER BY c.id
			FOR UPDATE OF c`, today, DefaultRetentionYears)
		if err != nil {
			return err
		}
		type purged struct {
			id, cell        int64
			created, closed time.Time
			kind            Kind
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (purged, error) {
			var p purged
			return p, r.Scan(&p.id, &p.cell, &p.created, &p.kind, &p.closed)
		})
		if err != nil {
			return err
		}
		for _, p := range list {
			if _, err := tx.Exec(ctx, `DELETE FROM candidate_step WHERE candidate_id = $1`, p.id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM candidate WHERE id = $1`, p.id); err != nil {
				return err
			}
			// Only once the file is gone may its entries be redacted (migration 000024).
			var redacted int
			if err := tx.QueryRow(ctx, `SELECT audit_redact_candidate($1)`, p.id).Scan(&redacted); err != nil {
				return err
			}
			err := audit.Record(ctx, tx, by, audit.Entry{Action: "purge", Entity: "candidate", EntityID: p.id,
				Label: label(p.id), UnitID: p.cell, Old: map[string]any{"cell_id": p.cell, "created": p.created.Format(time.DateOnly),
					"kind": string(p.kind), "closed": p.closed.Format(time.DateOnly)},
				New: map[string]any{"redacted_entries": redacted}})
			if err != nil {
				return err
			}
		}
		n = len(list)
		return nil
	})
	return n, err
}

// PurgeDaily runs Purge in the system's name now and every day after until ctx ends.
func PurgeDaily(ctx context.Context, db pg.Beginner, log *slog.Logger) {
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		n, err := Purge(ctx, db, audit.Actor{}, format.Today(time.Now()))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("register purge failed", "err", err)
		case n > 0:
			log.Info("register purge", "files", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
