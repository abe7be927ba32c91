-- Lookups by unit: the gist exclusion constraints can serve them, but a btree is many times
-- faster for the equality the dashboards and the scope checks make for every unit of a subtree.
CREATE INDEX party_unit_version_unit ON party_unit_version (unit_id, valid_from);
CREATE INDEX admin_unit_version_unit ON admin_unit_version (unit_id, valid_from);
CREATE INDEX hamlet_cell_link_hamlet ON hamlet_cell_link (hamlet_id, valid_from);
-- The congresses a cell held: a cell's last one is found without reading its other reports.
CREATE INDEX quarterly_report_congress ON quarterly_report (cell_id, year, quarter)
    WHERE congress_held > 0 AND state <> 'draft';
