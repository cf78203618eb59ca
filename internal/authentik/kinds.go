package authentik

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/provision/provision/internal/plan"
)

// kindIO is how one kind is read from and written to authentik. One file
// per kind (kind_<name>.go) defines it; kinds lists them.
type kindIO struct {
	// read starts the kind's list reads into live (see reader).
	read func(r *reader, live *plan.Live)
	// exec performs one change; nil for kinds only read.
	exec func(ctx context.Context, e *Executor, ch *plan.Change, ids *plan.IDs) error
}

// kinds is the registry of every kind the API layer reads or writes.
var kinds = map[plan.Kind]kindIO{
	plan.KindFlow:        flowIO,
	plan.KindKeyPair:     keyPairIO,
	plan.KindSAMLMapping: samlMappingIO,
	plan.KindAnyMapping:  anyMappingIO,
	plan.KindBinding:     bindingIO,
	plan.KindProvider:    providerIO,
	plan.KindApplication: applicationIO,
	plan.KindAccess:      accessIO,
	plan.KindOutpost:     outpostIO,
	plan.KindStack:       stackIO,
}

// Executor performs plan changes against authentik. Each write sends only
// the fields the change owns (PATCH for updates), so values others set by
// hand on fields the manifest does not declare are kept.
type Executor struct {
	c     *Client
	notes notes
}

var _ plan.Executor = (*Executor)(nil)

// Executor returns the client's plan executor.
func (c *Client) Executor() *Executor { return &Executor{c: c} }

// Execute performs one change and records created pks in ids.
func (e *Executor) Execute(ctx context.Context, ch *plan.Change, ids *plan.IDs) error {
	io, ok := kindIOFor(ch.Kind)
	if !ok || io.exec == nil {
		return fmt.Errorf("unknown change kind %q", ch.Kind)
	}
	return io.exec(ctx, e, ch, ids)
}

func doing(ch *plan.Change) string {
	return fmt.Sprintf("%s %s %q", ch.Action, ch.Kind, ch.Key)
}

// gone reports a 404 answer: the object is absent (a delete of it is
// done; a find did not find it).
func gone(resp *http.Response, err error) bool {
	return err != nil && resp != nil && resp.StatusCode == http.StatusNotFound
}

// deleted performs a change's DELETE (send): nil when done or already
// gone; retried after a failure whose outcome is unknown (ambiguous.go).
func (e *Executor) deleted(ctx context.Context, ch *plan.Change, send func(ctx context.Context) (*http.Response, error)) error {
	return e.del(ctx, doing(ch), send)
}

// patched performs a change's PATCH (send), retried after a failure: a
// PATCH of the same fields is harmless to send again.
func (e *Executor) patched(ctx context.Context, ch *plan.Change, send func(ctx context.Context) (*http.Response, error)) error {
	return e.perform(ctx, write{what: doing(ch), send: send})
}

// spec returns the change's spec as T, or an error naming the change.
func spec[T any](ch *plan.Change) (*T, error) { return plan.SpecOf[T](ch) }

// resolve returns the pks of references, or an error naming the change.
func resolve(ch *plan.Change, ids *plan.IDs, refs []plan.Reference) ([]string, error) {
	if refs == nil {
		return nil, nil
	}
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		pk, err := ids.Resolve(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", doing(ch), err)
		}
		out = append(out, pk)
	}
	return out, nil
}

// providerByName resolves a provider named in a change to its pk: one
// written by hand (OAuth2, proxy, SAML, LDAP) or by the engine (RADIUS,
// SCIM, RAC), live or created earlier in the apply.
func providerByName(ids *plan.IDs, name string) (int32, error) {
	id, err := ids.Get(plan.KindProvider, name)
	if err != nil {
		var eerr error
		if id, eerr = ids.Get(plan.KindEngineProvider, name); eerr != nil {
			return 0, err
		}
	}
	return providerPK(id)
}

// providerPK parses a provider pk kept as a string in plans and IDs.
func providerPK(id string) (int32, error) {
	pk, err := strconv.ParseInt(id, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("bad provider id %q", id)
	}
	return int32(pk), nil
}
