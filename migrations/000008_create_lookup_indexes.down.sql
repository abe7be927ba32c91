DROP INDEX quarterly_report_congress;
DROP INDEX hamlet_cell_link_hamlet;
DROP INDEX admin_unit_version_unit;
DROP INDEX party_unit_version_unit;
