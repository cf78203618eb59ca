// Package httpapi is the emulator's HTTP layer, without any authentik
// state: a request as a handler sees it (Call), what a handler returns
// (Resp, with DRF's error bodies and authentik's JSON encoding), DRF-style
// body validation (Form), and the DRF/django-filter list machinery
// (filters, search, ordering, pagination). The emulator's root package
// routes requests and serves the kinds with it.
package httpapi
