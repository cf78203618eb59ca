// Package store is the emulator's object store: the State with its typed
// lists of records (applications, providers, flows, stages, groups, users,
// ...), their lookups by pk and key, the read-only request index, the pk
// counters, and the deletes with authentik's cascades (on_delete). It knows
// nothing of HTTP or of the kinds' serializers: the root package's kind
// tables read and write it, and answer the one question a cascade needs
// from them (State.StageRefFields). Every access happens under the
// Emulator's lock.
package store
