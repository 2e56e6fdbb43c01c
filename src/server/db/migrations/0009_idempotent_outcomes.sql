-- A stored idempotent answer is the use case's outcome, not an HTTP response: the value it
-- returned, or the refusal (error code and parameters) it committed. HTTP statuses are the
-- web layer's business (src/server/http/errors.ts).
ALTER TABLE idempotency_key ADD COLUMN refusal jsonb;
UPDATE idempotency_key
   SET refusal = jsonb_build_object('code', response->'error'->>'code', 'params', '{}'::jsonb),
       response = NULL
 WHERE status_code >= 400;
ALTER TABLE idempotency_key DROP COLUMN status_code;
