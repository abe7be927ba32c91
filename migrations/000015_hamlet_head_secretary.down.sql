ALTER TABLE hamlet_cell_link DROP COLUMN secretary_is_head;
