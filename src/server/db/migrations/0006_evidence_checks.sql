-- What the machine read in each photo, the checks of each claim, and every decision with its
-- reasons (the system's now, reviewers' later).

ALTER TABLE evidence
  ADD COLUMN analysis jsonb,               -- OCR lines and word boxes, image quality, feedback
  ADD COLUMN phash    bigint,              -- 64-bit perceptual hash (DCT)
  ADD COLUMN phash_b0 integer,             -- its four 16-bit bands: a near-duplicate within 7 bits
  ADD COLUMN phash_b1 integer,             -- shares at least one band within 1 bit (pigeonhole),
  ADD COLUMN phash_b2 integer,             -- so candidates come from four index lookups instead
  ADD COLUMN phash_b3 integer;             -- of a scan (multi-index hashing)
-- The hash rides along in each band index, so candidates are filtered on the index alone.
CREATE INDEX evidence_phash_b0 ON evidence (phash_b0) INCLUDE (phash, id);
CREATE INDEX evidence_phash_b1 ON evidence (phash_b1) INCLUDE (phash, id);
CREATE INDEX evidence_phash_b2 ON evidence (phash_b2) INCLUDE (phash, id);
CREATE INDEX evidence_phash_b3 ON evidence (phash_b3) INCLUDE (phash, id);

-- A marked photo showing another claim's code: codes are looked up as OCR reads them, with
-- look-alikes collapsed (the same mapping as canonical() in evidence/matching.ts).
CREATE INDEX claim_code_canonical ON claim (translate(replace(code, '-', ''), 'OQDILZSBG', '000112586'));

CREATE TABLE check_result (
  claim_id    text NOT NULL REFERENCES claim (id) ON DELETE CASCADE,
  check_id    text NOT NULL,              -- serial_matches, model_matches, word_recalled, …
  outcome     text NOT NULL CHECK (outcome IN ('pass', 'fail', 'unsure')),
  score       real NOT NULL,
  detail      jsonb NOT NULL DEFAULT '{}',
  evidence_id text REFERENCES evidence (id) ON DELETE SET NULL,
  checked_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (claim_id, check_id)         -- the latest run; earlier runs are in the decisions
);

CREATE TABLE decision (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  claim_id     text NOT NULL REFERENCES claim (id) ON DELETE CASCADE,
  at           timestamptz NOT NULL DEFAULT now(),
  actor        text NOT NULL,              -- system | staff:<id>
  action       text NOT NULL,              -- approve | request_info | review | reject | escalate
  reasons      jsonb NOT NULL DEFAULT '[]',
  message      text,                       -- what the owner was told
  quality_sample boolean NOT NULL DEFAULT false, -- an automatic approval picked for a person's check
  checks       jsonb                       -- the check results the decision was made on
);
CREATE INDEX decision_claim ON decision (claim_id, id);
CREATE INDEX decision_quality_sample ON decision (at) WHERE quality_sample;
