-- Back to 000009's trigger function: a hamlet change bumps only the units leading its territory.
CREATE OR REPLACE FUNCTION dashboard_bump_admin() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    units bigint[];
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'admin_unit' THEN
        units := ARRAY(SELECT dashboard_leaders_above(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END));
    WHEN 'admin_unit_version' THEN
        units := ARRAY(
            SELECT dashboard_leaders_above(NEW.unit_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_leaders_above(NEW.parent_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_leaders_above(OLD.unit_id) WHERE TG_OP <> 'INSERT'
            UNION SELECT dashboard_leaders_above(OLD.parent_id) WHERE TG_OP <> 'INSERT');
    WHEN 'hamlet_cell_link' THEN
        units := ARRAY(
            SELECT dashboard_leaders_above(NEW.hamlet_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_leaders_above(OLD.hamlet_id) WHERE TG_OP <> 'INSERT');
    END CASE;
    PERFORM dashboard_bump(units);
    RETURN NULL;
END
$$;


DROP FUNCTION dashboard_servers_of(bigint);
