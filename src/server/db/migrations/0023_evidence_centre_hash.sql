-- A crop moves a photo's perceptual hash out of reach, so a marked photo also keeps the hash of
-- its centre (a tenth off each side) in four indexed bands. A new photo is looked up by the
-- hashes of its own crops against these (docs/decisions/0013-near-duplicate-photos.md).
ALTER TABLE evidence
  ADD COLUMN centre_hash bigint,
  ADD COLUMN centre_b0 integer,
  ADD COLUMN centre_b1 integer,
  ADD COLUMN centre_b2 integer,
  ADD COLUMN centre_b3 integer;
CREATE INDEX evidence_centre_b0 ON evidence (centre_b0) INCLUDE (centre_hash, id) WHERE centre_b0 IS NOT NULL;
CREATE INDEX evidence_centre_b1 ON evidence (centre_b1) INCLUDE (centre_hash, id) WHERE centre_b1 IS NOT NULL;
CREATE INDEX evidence_centre_b2 ON evidence (centre_b2) INCLUDE (centre_hash, id) WHERE centre_b2 IS NOT NULL;
CREATE INDEX evidence_centre_b3 ON evidence (centre_b3) INCLUDE (centre_hash, id) WHERE centre_b3 IS NOT NULL;
