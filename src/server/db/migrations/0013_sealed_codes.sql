-- Gift card codes are sealed at rest (AES-256-GCM, a fresh nonce each): the same code never
-- seals the same twice, so a pool's codes are told apart by their SHA-256 instead.
ALTER TABLE gift_card_code ADD COLUMN code_sha256 text;
UPDATE gift_card_code SET code_sha256 = encode(sha256(convert_to(code, 'UTF8')), 'hex');
ALTER TABLE gift_card_code ALTER COLUMN code_sha256 SET NOT NULL;
CREATE UNIQUE INDEX gift_card_code_unique_sha256 ON gift_card_code (campaign_id, code_sha256);
