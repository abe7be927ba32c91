package org

// OriginCTE is a recursive CTE, origin (top, cell_id, share, depth, retired): for each row
// (top, id) of the relation units, the unit id and, back through the successions in force on $2
// (date), the units it succeeded, with the share of their figures it took and the day its
// members moved on to a successor (the earliest succession on the way; NULL for top's own
// units). A report of cell_id counts for top times share: the one restatement across merges and
// splits of the dashboard and the statistics forms. A stock (members at the end of a period)
// counts only from a unit not retired by then (StockCounts): its members are in its successor's.
func OriginCTE(units string) string {
	return `
		origin (top, cell_id, share, depth, retired) AS (
			SELECT top, id, 1::numeric, 0, NULL::date FROM ` + units + `
			UNION ALL
			SELECT o.top, s.predecessor_id, o.share * s.share, o.depth + 1, least(o.retired, e.effective)
			FROM origin o
			JOIN party_unit_succession s ON s.successor_id = o.cell_id
			JOIN reorg_event e ON e.id = s.event_id AND e.effective <= $2
			WHERE o.depth < 16
		)`
}

// StockCounts is the condition, on origin o, that o's stock at the end of quarter quarter of
// year year (SQL expressions; quarter 0 is the year's start) counts: o had not been succeeded by then.
func StockCounts(year, quarter string) string {
	return "(o.retired IS NULL OR o.retired >= (make_date(" + year + ", 1, 1) + make_interval(months => 3 * " + quarter + "))::date)"
}
