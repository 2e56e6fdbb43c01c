-- E-mails carry an HTML part beside the text, and their parts (content) so that moments queued
-- for one claim within seconds go out as one e-mail: the earlier ones are then 'merged' into it.
ALTER TABLE outbox_message DROP CONSTRAINT outbox_message_state_check;
ALTER TABLE outbox_message
  ADD CONSTRAINT outbox_message_state_check CHECK (state IN ('pending', 'sent', 'held', 'merged'));
ALTER TABLE outbox_message ADD COLUMN html_body text;
ALTER TABLE outbox_message ADD COLUMN content jsonb;
ALTER TABLE outbox_message ADD COLUMN merged_into text REFERENCES outbox_message (id) ON DELETE SET NULL;
CREATE INDEX outbox_pending_by_claim ON outbox_message (claim_id, created_at) WHERE state = 'pending';
-- The order messages were queued in (created_at is one value for a whole transaction).
ALTER TABLE outbox_message ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
