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
	plan.KindFlow:         flowIO,
	plan.KindKeyPair:      keyPairIO,
	plan.KindSAMLMapping:  samlMappingIO,
	plan.KindBinding:      bindingIO,
	plan.KindGroup:        groupIO,
	plan.KindScopeMapping: scopeMappingIO,
	plan.KindProvider:     providerIO,
	plan.KindApplication:  applicationIO,
	plan.KindAccess:       accessIO,
	plan.KindOutpost:      outpostIO,
	plan.KindStack:        stackIO,
}

// Executor performs plan changes against authentik. Each write sends only
// the fields the change owns (PATCH for updates), so values others set by
// hand on fields the manifest does not declare are kept.
type Executor struct{ c *Client }

var _ plan.Executor = (*Executor)(nil)

// Executor returns the client's plan executor.
func (c *Client) Executor() *Executor { return &Executor{c: c} }

// Execute performs one change and records created pks in ids.
func (e *Executor) Execute(ctx context.Context, ch *plan.Change, ids *plan.IDs) error {
	io, ok := kinds[ch.Kind]
	if !ok || io.exec == nil {
		return fmt.Errorf("unknown change kind %q", ch.Kind)
	}
	return io.exec(ctx, e, ch, ids)
}

func doing(ch *plan.Change) string {
	return fmt.Sprintf("%s %s %q", ch.Action, ch.Kind, ch.Key)
}

// gone treats a 404 on delete as done: the object is already absent.
func gone(resp *http.Response, err error) bool {
	return err != nil && resp != nil && resp.StatusCode == http.StatusNotFound
}

// deleted returns a function that turns a delete's outcome into the
// change's error: nil when done or already gone.
func (e *Executor) deleted(ch *plan.Change) func(*http.Response, error) error {
	return func(resp *http.Response, err error) error {
		if err != nil && !gone(resp, err) {
			return e.c.wrap(doing(ch), resp, err)
		}
		return nil
	}
}

// written turns a create's or update's outcome into the change's error.
func (e *Executor) written(ch *plan.Change, resp *http.Response, err error) error {
	if err != nil {
		return e.c.wrap(doing(ch), resp, err)
	}
	return nil
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

// providerPK parses a provider pk kept as a string in plans and IDs.
func providerPK(id string) (int32, error) {
	pk, err := strconv.ParseInt(id, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("bad provider id %q", id)
	}
	return int32(pk), nil
}
