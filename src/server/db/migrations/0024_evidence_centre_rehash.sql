-- The centre hashes stored before this migration hashed only the top third of the centre (the
-- cut reached sharp-phash as three channels read as one). A new photo's crops are hashed whole,
-- so those centres can no longer meet them: they are cleared (their photos, made with 19 crop
-- hashes, are still found by their own hash). docs/decisions/0013-near-duplicate-photos.md
UPDATE evidence
SET centre_hash = NULL, centre_b0 = NULL, centre_b1 = NULL, centre_b2 = NULL, centre_b3 = NULL
WHERE centre_hash IS NOT NULL AND jsonb_array_length(analysis -> 'crops') = 19;
