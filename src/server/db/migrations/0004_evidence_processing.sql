-- Photos are checked at the door (format, header, structure) and decoded by the evidence job:
-- until it has run, a photo has no display copy.
ALTER TABLE evidence ALTER COLUMN display_key DROP NOT NULL;
ALTER TABLE evidence
  ADD COLUMN state   text NOT NULL DEFAULT 'ready' CHECK (state IN ('processing', 'ready', 'unreadable')),
  ADD COLUMN problem text;                 -- why a photo is unreadable (photo_corrupt, …)
