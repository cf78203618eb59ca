package authentik

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/provision/provision/internal/plan"
)

// pageSize is authentik's maximum page size.
const pageSize = 100

// Snapshot reads the live objects a plan needs. Every kind is listed
// (never fetched one by one) at the maximum page size; all lists run in
// parallel, and once a list's first page gives its page count the other
// pages are fetched in parallel too. So the number of requests depends on
// the kinds and provider types, and the size of authentik, never on the
// manifest's size.
//
// Objects that do not decode (a newer authentik's enum values) are recorded
// in Live.Unreadable instead of failing the read.
func (c *Client) Snapshot(ctx context.Context, reads plan.Reads) (*plan.Live, error) {
	live := &plan.Live{Now: c.clock.Now()}
	if err := c.readInto(ctx, live, reads); err != nil {
		return nil, err
	}
	if extra := plan.RecordReads(live, reads); len(extra.Kinds) > 0 {
		// The same objects' secrets and extra fields, of a kind read late.
		extra.Secrets, extra.Extras, extra.AllExtras = reads.Secrets, reads.Extras, reads.AllExtras
		if err := c.readInto(ctx, live, extra); err != nil {
			return nil, err
		}
	}
	plan.KeyChildren(live)
	c.reportSecrets(live)
	return live, nil
}

// readInto runs one round of parallel list reads into live.
func (c *Client) readInto(ctx context.Context, live *plan.Live, reads plan.Reads) error {
	var mu sync.Mutex // guards live.Unreadable
	ctx = context.WithValue(ctx, sharedPagesKey{}, &sharedPages{pages: map[string]*sharedPage{}})
	g, ctx := errgroup.WithContext(ctx)
	r := &reader{c: c, g: g, ctx: ctx, reads: reads, unreadable: func(u []plan.Unreadable) {
		mu.Lock()
		live.Unreadable = append(live.Unreadable, u...)
		mu.Unlock()
	}}
	for _, k := range reads.Kinds {
		io, ok := kindIOFor(k)
		if !ok || io.read == nil {
			return fmt.Errorf("internal error: no reader for kind %q", k)
		}
		io.read(r, live)
	}
	if err := g.Wait(); err != nil {
		return tokenRefused(err)
	}
	for _, fn := range r.after {
		fn()
	}
	return nil
}

// reader runs the list reads of one snapshot in parallel.
type reader struct {
	c          *Client
	g          *errgroup.Group
	ctx        context.Context
	reads      plan.Reads
	unreadable func([]plan.Unreadable)
	// after runs once every list is read (joining lists, e.g. provider
	// details onto providers); only from the goroutine calling Snapshot.
	after []func()
	// blueprints holds the stack records' instances until after runs.
	blueprints []blueprint
}

// read lists every page of one kind in the background, decoding each item
// as the API model A and storing it converted into dst. Each page is
// converted as soon as it is decoded, so the API models of a whole list
// never live at once: the snapshot is the one decoded copy of live state.
func read[A, P any](r *reader, doing string, kind plan.Kind, keyField string, conv func(*A) P, dst *[]P, fetch fetchFunc) {
	r.g.Go(func() error {
		pages, bad, err := listPages(r.ctx, r.c, doing, kind, keyField, fetch, func(items []A) []P {
			out := make([]P, len(items))
			for i := range items {
				out[i] = conv(&items[i])
			}
			return out
		})
		n := 0
		for _, p := range pages {
			n += len(p)
		}
		out := make([]P, 0, n)
		for _, p := range pages {
			out = append(out, p...)
		}
		*dst = out
		r.unreadable(bad)
		return err
	})
}

// listPages reads every page of a list, the first then the rest in
// parallel, converting each page's items with conv as it arrives.
func listPages[A, P any](ctx context.Context, c *Client, doing string, kind plan.Kind, keyField string, fetch fetchFunc, conv func([]A) []P) ([][]P, []plan.Unreadable, error) {
	first, err := fetchPage[A](ctx, c, doing, kind, keyField, fetch, 1)
	if err != nil {
		return nil, nil, err
	}
	pages := make([][]P, max(1, first.totalPages))
	bad := make([][]plan.Unreadable, len(pages))
	pages[0], bad[0] = conv(first.items), first.unreadable
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(pagesInFlight)
	for i := 1; i < len(pages); i++ {
		g.Go(func() error {
			p, err := fetchPage[A](gctx, c, doing, kind, keyField, fetch, int32(i+1))
			pages[i], bad[i] = conv(p.items), p.unreadable
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	var allBad []plan.Unreadable
	for _, b := range bad {
		allBad = append(allBad, b...)
	}
	return pages, allBad, nil
}

// fetchFunc fetches one page of a list through the generated client. Its
// decoded result is not used: the client leaves the body readable, and
// fetchPage decodes it item by item so one unreadable object does not fail
// the whole list.
type fetchFunc func(ctx context.Context, page int32) (*http.Response, error)

type pageOf[T any] struct {
	items      []T
	unreadable []plan.Unreadable
	totalPages int
}

// listPage is authentik's list envelope with results of type R.
type listPage[R any] struct {
	Pagination struct {
		TotalPages float64 `json:"total_pages"`
	} `json:"pagination"`
	Results []R `json:"results"`
}

func fetchPage[T any](ctx context.Context, c *Client, doing string, kind plan.Kind, keyField string, fetch fetchFunc, page int32) (pageOf[T], error) {
	if err := ctx.Err(); err != nil {
		return pageOf[T]{}, fmt.Errorf("%s page %d: %w", doing, page, err)
	}
	held := &pageBody{}
	resp, err := fetch(context.WithValue(ctx, pageBodyKey{}, held), page)
	if err != nil && (resp == nil || resp.StatusCode >= 300) {
		return pageOf[T]{}, c.wrap(fmt.Sprintf("%s (page %d)", doing, page), resp, err)
	}
	if resp == nil {
		return pageOf[T]{}, fmt.Errorf("%s (page %d): no response", doing, page)
	}
	// Decode ourselves, so one object a newer authentik serves with an
	// unknown enum value does not fail the whole read. pageBodyTransport
	// kept the body from the generated client, which would decode it too.
	body := held.body
	if !held.taken {
		var rerr error
		if body, rerr = io.ReadAll(resp.Body); rerr != nil {
			return pageOf[T]{}, c.wrap(fmt.Sprintf("%s (page %d)", doing, page), nil, rerr)
		}
	}
	// The whole page in one pass; item by item only when an item fails.
	var typed listPage[T]
	if json.Unmarshal(body, &typed) == nil {
		total, err := pageCount(typed.Pagination.TotalPages, fmt.Sprintf("%s (page %d)", doing, page))
		return pageOf[T]{items: typed.Results, totalPages: total}, err
	}
	var env listPage[json.RawMessage] // results left undecoded
	if err := json.Unmarshal(body, &env); err != nil {
		return pageOf[T]{}, fmt.Errorf("%s (page %d): authentik's answer is not a list (%s)", doing, page, jsonReason(err))
	}
	total, err := pageCount(env.Pagination.TotalPages, fmt.Sprintf("%s (page %d)", doing, page))
	if err != nil {
		return pageOf[T]{}, err
	}
	p := pageOf[T]{totalPages: total}
	for _, raw := range env.Results {
		var item T
		if err := json.Unmarshal(raw, &item); err != nil {
			p.unreadable = append(p.unreadable, unreadable[T](kind, keyField, raw, err))
			continue
		}
		p.items = append(p.items, item)
	}
	return p, nil
}

// unreadable describes an object that did not decode: its key, and the
// first field that fails on its own.
func unreadable[T any](kind plan.Kind, keyField string, raw json.RawMessage, err error) plan.Unreadable {
	u := plan.Unreadable{Kind: kind, Err: err}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return u
	}
	if v, ok := fields[keyField]; ok {
		_ = json.Unmarshal(v, &u.Key)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		one, _ := json.Marshal(map[string]json.RawMessage{k: fields[k]})
		var probe T
		if ferr := json.Unmarshal(one, &probe); ferr != nil {
			u.Field = k
			u.Err = errors.New(ferr.Error())
			break
		}
	}
	return u
}

func nullString(n interface{ Get() *string }) string {
	if v := n.Get(); v != nil {
		return *v
	}
	return ""
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// tokenRefused gives a refused token one sentence, whichever of the
// parallel reads happened to fail first, so the message does not change
// from run to run.
func tokenRefused(err error) error {
	var se *SchemeMismatchError
	if errors.As(err, &se) {
		return se
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusForbidden {
		return fmt.Errorf("authentik refused the API token (AUTHENTIK_TOKEN, or the file given with --token-file): %s", strings.Join(ae.Messages, "; "))
	}
	return err
}
