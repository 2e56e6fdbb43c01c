-- Visits to a recall's public page, counted with the lookups (how many, never who).
ALTER TABLE lookup_count ADD COLUMN page_views bigint NOT NULL DEFAULT 0;
