-- Staff find any claim by what a caller has in hand (console "Find claims"): the serial, the
-- order number, or the start of the owner's name. Code and e-mail are indexed already.
CREATE INDEX claim_serial ON claim (serial) WHERE serial IS NOT NULL;
CREATE INDEX claim_order_number ON claim (order_number) WHERE order_number IS NOT NULL;
CREATE INDEX claim_name_prefix ON claim ((lower(claimant->>'name')) text_pattern_ops);
