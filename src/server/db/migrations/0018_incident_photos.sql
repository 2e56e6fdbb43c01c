-- Photos with an incident report: uploaded with the report's own photo token (kept hashed), at
-- most a handful, each a metadata-free display copy beside the original (incident photos are
-- personal data: exported and erased with the report's contact).
ALTER TABLE incident ADD COLUMN photo_token_sha256 text;
CREATE TABLE incident_photo (
  id            text PRIMARY KEY,                    -- inp_…
  incident_id   text NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
  original_key  text NOT NULL,
  display_key   text NOT NULL,
  format        text NOT NULL,
  bytes         integer NOT NULL,
  width         integer NOT NULL,
  height        integer NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_photo_incident ON incident_photo (incident_id, created_at);
