-- Contacts listed by name (last name, first name, id: the web UI's default
-- order) come from one index: the first page of a million contacts reads
-- fifty entries instead of sorting everyone who shares the first last name.
-- It holds live rows only, so a search for a very common term can walk it in
-- order without reading each row to check deleted_at (search_walks in
-- records.c).
CREATE INDEX contacts_live_name ON contacts (last_name, first_name, id) WHERE deleted_at IS NULL;
