-- Each process merges a newly imported list into its lookup index without re-reading the
-- others: it reads the new import's rows by import_id. An import's rows are written together,
-- so a BRIN index (a few pages for millions of rows) finds them; a B-tree would cost about as
-- much as the table's own primary key (docs/decisions/0010-lookup-index.md).
CREATE INDEX affected_unit_import ON affected_unit USING brin (import_id);
