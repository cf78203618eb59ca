// Package seed is the emulator's fresh-install seeding: it applies
// authentik's default and system blueprints (internal/akblueprints) the way
// authentik/blueprints/v1/importer.py does, through the emulator's kind
// tables (Kinds: each entry's identifiers find the object, attrs and
// identifiers go through the kind's own serializer, references resolve by
// natural key, metaapplyblueprint entries apply the named blueprint first,
// !Condition is evaluated), and holds the fresh-install objects that are
// plain data (the managed scope and SAML mappings, the embedded outpost).
package seed
