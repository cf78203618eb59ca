// Package emulator is an in-memory authentik: the subset of the REST API
// (/api/v3/...) and OIDC discovery that provision uses, behaving like
// authentik 2026.2. It is an http.Handler, safe for concurrent use.
//
// This package holds the Emulator (New, Options, the test API), the
// routing and permission checks, and the kinds: one generic CRUD layer
// (kinds.go) and a kindDef table entry per kind (applications.go,
// providers.go, stages.go, ...), whose hooks need the whole emulator
// (random source, overrides, the request's host). Its sub-packages:
//
//   - httpapi: the HTTP layer without state: Call, Resp and DRF's error
//     bodies, JSON encoding, Form (DRF body validation), DRF lists.
//   - store: the object store: State, the typed records, lookups, pk
//     counters, the read index, deletes with their cascades.
//   - protocol: the protocol views over the store: OIDC endpoints,
//     setup_urls, SAML metadata.
//   - chaos: fault injection: the chaos middleware and targeted faults.
//   - seed: fresh-install seeding: authentik's blueprints applied through
//     the kind tables, and the fresh install's data objects.
//   - contract: checks traffic against authentik's schema.yml (tests).
//   - emulatortest: runs the emulator in tests.
//
// Imports flow one way: the root imports the sub-packages; httpapi imports
// no other emulator package, store and chaos only httpapi, protocol and
// seed store (and httpapi). None imports the client (internal/authentik)
// or the kind descriptors (internal/kinds).
package emulator
