-- unaccent powers accent-insensitive search ("dong nai" finds "Đồng Nai").
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (it reads a dictionary); this wrapper pins the dictionary so that it
-- can be used in expression indexes.
CREATE FUNCTION f_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN public.unaccent('public.unaccent'::regdictionary, $1);

COMMENT ON FUNCTION f_unaccent(text) IS 'unaccent with a fixed dictionary, usable in indexes (tìm kiếm không dấu)';
