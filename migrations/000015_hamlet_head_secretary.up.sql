-- Whether the secretary of the cell serving a hamlet is also the hamlet's head (bí thư chi bộ
-- kiêm trưởng thôn), dated as the link is: a change of it is a new link from its date on.
ALTER TABLE hamlet_cell_link ADD COLUMN secretary_is_head boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN hamlet_cell_link.secretary_is_head IS 'bí thư chi bộ đồng thời là trưởng thôn, tổ trưởng tổ dân phố';
