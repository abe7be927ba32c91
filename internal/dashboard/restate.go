package dashboard

// OriginCTE is a recursive CTE, origin (top, cell_id, share, depth): for each row (top, id) of
// the relation units, the unit id and, back through the successions in force on $2 (date), the
// units it succeeded, with the share of their figures it took. A report of cell_id counts for
// top times share: the one restatement across merges and splits of the dashboard and the
// statistics forms.
func OriginCTE(units string) string {
	return `
		origin (top, cell_id, share, depth) AS (
			SELECT top, id, 1::numeric, 0 FROM ` + units + `
			UNION ALL
			SELECT o.top, s.predecessor_id, o.share * s.share, o.depth + 1
			FROM origin o
			JOIN party_unit_succession s ON s.successor_id = o.cell_id
			JOIN reorg_event e ON e.id = s.event_id AND e.effective <= $2
			WHERE o.depth < 16
		)`
}
