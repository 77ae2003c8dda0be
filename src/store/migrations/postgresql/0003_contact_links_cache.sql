-- Each contact keeps a copy of its company links, [[id, name, role], ...], so
-- that reading a contact or a page of contacts needs no second query. The
-- store rewrites it whenever the links, or a linked company's name or trash
-- state, change; NULL means no links.
ALTER TABLE contacts ADD COLUMN company_links TEXT;
UPDATE contacts AS t SET company_links = (
    SELECT json_agg(json_build_array(o.id, o.name, l.role) ORDER BY o.name, o.id)::text
    FROM contact_companies l JOIN companies o ON o.id = l.company_id
    WHERE l.contact_id = t.id AND o.deleted_at IS NULL)
WHERE t.id IN (SELECT contact_id FROM contact_companies);
