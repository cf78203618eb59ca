package authentik

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	desc "github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/secretdigest"
)

// The kind engine's API part: every descriptor kind (internal/kinds) is
// listed, created, patched and deleted through its collection as JSON,
// with no code of its own. Request bodies carry authentik's field names,
// which the descriptors take from schema.yml, the document the generated
// client is built from.

// rawError is a refused raw request, with authentik's answer (wrap reads
// it as it reads the generated client's errors).
type rawError struct {
	status int
	body   []byte
}

func (e *rawError) Error() string { return fmt.Sprintf("HTTP %d", e.status) }
func (e *rawError) Body() []byte  { return e.body }

// raw sends one request below /api/v3/ with the client's token and
// transport (retries of reads included). A 2xx answer's body is returned
// unread when ctx marks a page (pageBodyTransport took it); otherwise read.
func (c *Client) raw(ctx context.Context, method, path string, query url.Values, body any) (*http.Response, []byte, error) {
	u := c.baseURL + "/api/v3/" + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return resp, nil, err
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return resp, data, &rawError{status: resp.StatusCode, body: data}
	}
	if rerr != nil {
		return resp, nil, rerr
	}
	return resp, data, nil
}

// entryIO reads and writes one descriptor kind (a family: every member).
func entryIO(name string) kindIO {
	return kindIO{
		read: func(r *reader, live *plan.Live) { r.readEntries(name, live) },
		exec: func(ctx context.Context, e *Executor, ch *plan.Change, ids *plan.IDs) error {
			return e.execEntry(ctx, ch, ids)
		},
	}
}

// kindIOFor returns the IO of a kind: its own file's, else the engine's
// for a descriptor kind.
func kindIOFor(k plan.Kind) (kindIO, bool) {
	if io, ok := kinds[k]; ok {
		return io, true
	}
	if isEntryKind(string(k)) {
		return entryIO(string(k)), true
	}
	return kindIO{}, false
}

func isEntryKind(name string) bool {
	for _, n := range entryKindNames() {
		if n == name {
			return true
		}
	}
	return false
}

// entryKindNames are the descriptor kinds with their children.
func entryKindNames() []string {
	out := desc.Names()
	for _, c := range desc.ChildKinds() {
		out = append(out, c.Name)
	}
	return out
}

// descriptorsOf returns the descriptor(s) of a kind name: a family's
// members, or the one child kind.
func descriptorsOf(name string) []*desc.Kind {
	if fam := desc.Family(name); len(fam) > 0 {
		return fam
	}
	for _, c := range desc.ChildKinds() {
		if c.Name == name {
			return []*desc.Kind{c}
		}
	}
	return nil
}

// readEntries lists a kind: a family's list of every member, then the
// lists of the members the plan reads in full, merged by pk once all are
// read; a single kind's own list.
func (r *reader) readEntries(name string, live *plan.Live) {
	ds := descriptorsOf(name)
	if len(ds) == 0 {
		return
	}
	if ds[0].Singleton {
		r.readSingleton(ds[0], live)
		return
	}
	var mu sync.Mutex
	lists := map[string][]plan.Object{}
	extra := map[plan.Kind][]plan.Object{}
	list := func(path, typ string, k *desc.Kind) {
		r.g.Go(func() error {
			doing := "list " + name + "s"
			if typ != "" {
				doing = "list " + k.Label() + "s"
			}
			pages, bad, err := listPages(r.ctx, r.c, doing, plan.Kind(name), k.Key, func(ctx context.Context, page int32) (*http.Response, error) {
				q := url.Values{"page": {strconv.Itoa(int(page))}, "page_size": {strconv.Itoa(pageSize)}}
				for qk, qv := range k.ListQuery {
					q.Set(qk, qv)
				}
				resp, _, err := r.c.raw(ctx, http.MethodGet, path, q, nil)
				return resp, err
			}, func(items []map[string]any) []plan.Object {
				out := make([]plan.Object, 0, len(items))
				var shown []string
				for _, it := range items {
					o := plan.Object{Type: typ, PK: fmt.Sprint(it[k.PK]), Fields: it}
					if k.KeyOf != nil {
						o.Key = k.KeyOf(it)
					} else if k.Key != "" {
						o.Key, _ = it[k.Key].(string)
					}
					typed := k
					if typ == "" && k.AllPath != "" {
						typed = desc.ByModel(name, fmt.Sprint(it["meta_model_name"]))
						if typed != nil {
							o.Type = typed.Type
						}
					}
					if typed != nil {
						shown = append(shown, digestSecrets(typed, it)...)
					}
					out = append(out, o)
				}
				if len(shown) > 0 {
					r.c.onSecret(shown...) // one call a page: each rebuilds the redactor
				}
				return out
			})
			if err != nil {
				return err
			}
			r.unreadable(bad)
			var all []plan.Object
			for _, p := range pages {
				all = append(all, p...)
			}
			var more map[plan.Kind][]plan.Object
			if x := extraReads[name]; x != nil && typ == "" {
				if more, err = x(r.ctx, r.c, r.reads, all); err != nil {
					return err
				}
			}
			mu.Lock()
			lists[typ] = all
			for k, v := range more {
				extra[k] = v
			}
			mu.Unlock()
			return nil
		})
	}
	if x := extraLists[name]; x != nil {
		r.g.Go(func() error {
			more, err := x(r.ctx, r.c, r.reads)
			if err != nil {
				return err
			}
			mu.Lock()
			for k, v := range more {
				extra[k] = v
			}
			mu.Unlock()
			return nil
		})
	}
	first := ds[0]
	if first.AllPath == "" {
		list(first.Path, "", first)
	} else {
		list(first.AllPath, "", first)
		for _, d := range ds {
			for _, t := range r.reads.Types {
				if t == plan.TypeRead(d) {
					list(d.Path, d.Type, d)
				}
			}
		}
	}
	r.after = append(r.after, func() {
		objs := lists[""]
		byPK := map[string]int{}
		for i, o := range objs {
			byPK[o.PK] = i
		}
		for typ, full := range lists {
			if typ == "" {
				continue
			}
			for _, o := range full {
				if i, ok := byPK[o.PK]; ok {
					objs[i] = o
				} else {
					objs = append(objs, o)
				}
			}
		}
		if live.Objects == nil {
			live.Objects = map[plan.Kind][]plan.Object{}
		}
		live.Objects[plan.Kind(name)] = objs
		for k, v := range extra {
			live.Objects[k] = v
		}
	})
}

// readSingleton reads a Singleton kind's one object (system settings) with
// a plain GET: no list, no pages, no pk.
func (r *reader) readSingleton(k *desc.Kind, live *plan.Live) {
	var obj plan.Object
	r.g.Go(func() error {
		resp, data, err := r.c.raw(r.ctx, http.MethodGet, k.Path, nil, nil)
		if err != nil {
			return r.c.wrap("read "+k.Label(), resp, err)
		}
		var it map[string]any
		if err := json.Unmarshal(data, &it); err != nil {
			return fmt.Errorf("read %s: authentik's answer could not be read: %w", k.Label(), err)
		}
		obj = plan.Object{Key: k.SingletonKey(), Fields: it}
		return nil
	})
	r.after = append(r.after, func() {
		if live.Objects == nil {
			live.Objects = map[plan.Kind][]plan.Object{}
		}
		live.Objects[plan.Kind(k.Name)] = []plan.Object{obj}
	})
}

// digestSecrets replaces in an answer each secret field authentik shows
// (an SMS stage's auth, an email setup stage's password, a Kubernetes
// connection's kubeconfig) by its digest (internal/secretdigest): the plan
// compares it with the declared value's and rotates the secret when they
// differ, and nothing that prints, exports or fingerprints live objects
// holds the value. Any other secret field is dropped. It returns the
// plaintexts it replaced, for the redactor.
func digestSecrets(k *desc.Kind, it map[string]any) []string {
	var shown []string
	for _, f := range k.Fields() {
		if !f.Secret || f.Extra {
			continue
		}
		v, ok := it[f.Name]
		if !f.ReadWhenDeclared || !ok || v == nil {
			delete(it, f.Name)
			continue
		}
		if s, isText := v.(string); isText && s != "" {
			shown = append(shown, s)
		}
		it[f.Name] = secretdigest.Of(v)
	}
	return shown
}

// execEntry performs one change of a descriptor kind.
func (e *Executor) execEntry(ctx context.Context, ch *plan.Change, ids *plan.IDs) error {
	ds := descriptorsOf(string(ch.Kind))
	if len(ds) == 0 {
		return fmt.Errorf("unknown change kind %q", ch.Kind)
	}
	if ch.Action == plan.Delete {
		k := ds[0]
		id := ch.ID
		if k.URLKey {
			id = ch.Key
		}
		path := k.Path
		if k.AllPath != "" {
			path = k.AllPath // deletes any member
		}
		return e.deleted(ctx, ch, func(ctx context.Context) (*http.Response, error) {
			resp, _, err := e.c.raw(ctx, http.MethodDelete, path+url.PathEscape(id)+"/", nil, nil)
			return resp, err
		})
	}
	s, err := spec[plan.EntrySpec](ch)
	if err != nil {
		return err
	}
	k := s.Kind
	body, err := entryBody(ch, s, ids)
	if err != nil {
		return err
	}
	if ch.Action == plan.Update && s.OnlyExtra() {
		return e.execExtra(ctx, ch, s, ids)
	}
	if ch.Action == plan.Update && k.Singleton {
		// Only the changed fields, to the one object's path.
		return e.patched(ctx, ch, func(ctx context.Context) (*http.Response, error) {
			resp, _, err := e.c.raw(ctx, http.MethodPatch, k.Path, nil, body)
			return resp, err
		})
	}
	if ch.Action == plan.Update {
		id := ch.ID
		if k.URLKey {
			id = s.URLKey
		}
		if err := e.patched(ctx, ch, func(ctx context.Context) (*http.Response, error) {
			if len(s.Merges) > 0 {
				// Merge with the object as it is now, not as planned.
				q := url.Values{}
				for qk, qv := range k.ListQuery {
					q.Set(qk, qv)
				}
				resp, data, err := e.c.raw(ctx, http.MethodGet, k.Path+url.PathEscape(id)+"/", q, nil)
				if err != nil {
					return resp, err
				}
				var cur map[string]any
				if err := json.Unmarshal(data, &cur); err != nil {
					return resp, fmt.Errorf("authentik's answer could not be read: %w", err)
				}
				for field, m := range s.Merges {
					fresh, _ := cur[field].(map[string]any)
					merged, overridden := m.Remerge(fresh)
					body[field] = merged
					e.noteOverridden(ch, field, overridden)
				}
			}
			resp, data, err := e.c.raw(ctx, http.MethodPatch, k.Path+url.PathEscape(id)+"/", nil, body)
			if err == nil && k.Key != "" {
				e.setID(ids, ch, k, data)
			}
			return resp, err
		}); err != nil {
			return err
		}
		return e.execExtra(ctx, ch, s, ids)
	}
	if s.Via != nil {
		return e.createVia(ctx, ch, s, body, ids)
	}
	if err := e.created(ctx, doing(ch), func(ctx context.Context) (*http.Response, error) {
		resp, data, err := e.c.raw(ctx, http.MethodPost, k.Path, nil, body)
		if err == nil {
			e.setID(ids, ch, k, data)
		}
		return resp, err
	}, func(ctx context.Context) (bool, error) {
		// The create's answer was lost: find the object by what identifies
		// it (its key; a child by its parent, object and fields).
		// A child is found by its order and matched by its parent and what
		// it names (a policy binding's target filter takes another pk than
		// the one the body carries).
		q := url.Values{}
		var same []string
		if k.Key != "" {
			q.Set(k.Key, ch.Key)
		} else {
			if v, ok := body["order"]; ok && v != nil {
				q.Set("order", fmt.Sprint(v))
			}
			for _, p := range desc.Parents(k.Name) {
				same = append(append(same, p.Child.Parent), p.Child.ByFields()...)
				break
			}
		}
		resp, data, err := e.c.raw(ctx, http.MethodGet, k.Path, q, nil)
		if err != nil {
			return false, e.c.wrap(fmt.Sprintf("find %s %q", ch.Kind, ch.Key), resp, err)
		}
		var page listPage[map[string]any]
		if err := json.Unmarshal(data, &page); err != nil {
			return false, fmt.Errorf("find %s %q: authentik's answer is not a list", ch.Kind, ch.Key)
		}
		for _, it := range page.Results {
			match := k.Key == "" || it[k.Key] == ch.Key
			for _, f := range same {
				if v, ok := body[f]; ok && v != nil && !strings.EqualFold(fmt.Sprint(it[f]), fmt.Sprint(v)) {
					match = false
				}
			}
			if match {
				ids.Set(ch.Kind, ch.Key, fmt.Sprint(it[k.PK]))
				return true, nil
			}
		}
		return false, nil
	}); err != nil {
		return err
	}
	return e.execExtra(ctx, ch, s, ids)
}

func (e *Executor) setID(ids *plan.IDs, ch *plan.Change, k *desc.Kind, data []byte) {
	var got map[string]any
	if json.Unmarshal(data, &got) == nil {
		ids.Set(ch.Kind, ch.Key, fmt.Sprint(got[k.PK]))
	}
}

// entryBody is the request body: the literal values, and every reference
// resolved to the pk it names now.
func entryBody(ch *plan.Change, s *plan.EntrySpec, ids *plan.IDs) (map[string]any, error) {
	body := make(map[string]any, len(s.Body)+len(s.Refs)+len(s.RefLists))
	for k, v := range s.Body {
		body[k] = v
	}
	for f, r := range s.Refs {
		pk, err := ids.Resolve(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", doing(ch), f, err)
		}
		body[f] = pk
		// An integer pk (a user's; a RAC endpoint's parent provider)
		// travels as a number.
		if fd, ok := s.Kind.Field(f); ok && (fd.IntRef || fd.Type == desc.Int) {
			n, err := strconv.ParseInt(pk, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: pk %q is not a number", doing(ch), f, pk)
			}
			body[f] = n
		}
	}
	for f, rs := range s.RefLists {
		pks, err := resolve(ch, ids, rs)
		if err != nil {
			return nil, err
		}
		if pks == nil {
			pks = []string{}
		}
		body[f] = pks
		// A list of integer pks (an initial permissions' permissions)
		// travels as numbers.
		if fd, ok := s.Kind.Field(f); ok && fd.IntRef {
			ns := make([]int64, len(pks))
			for i, pk := range pks {
				n, err := strconv.ParseInt(pk, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("%s: %s: pk %q is not a number", doing(ch), f, pk)
				}
				ns[i] = n
			}
			body[f] = ns
		}
	}
	return body, nil
}

// createVia creates through the kind's create-only action (a certificate's
// generate/), then patches what else the change sets (the key, when the
// action named the object otherwise). A lost answer is found by the name
// the action gave.
func (e *Executor) createVia(ctx context.Context, ch *plan.Change, s *plan.EntrySpec, patch map[string]any, ids *plan.IDs) error {
	k, v := s.Kind, s.Kind.CreateVia
	name := fmt.Sprint(s.Via[v.NameField])
	err := e.created(ctx, doing(ch), func(ctx context.Context) (*http.Response, error) {
		resp, data, err := e.c.raw(ctx, http.MethodPost, k.Path+v.Path, nil, s.Via)
		if err == nil {
			e.setID(ids, ch, k, data)
		}
		return resp, err
	}, func(ctx context.Context) (bool, error) {
		resp, data, err := e.c.raw(ctx, http.MethodGet, k.Path, url.Values{k.Key: {name}}, nil)
		if err != nil {
			return false, e.c.wrap(fmt.Sprintf("find %s %q", ch.Kind, name), resp, err)
		}
		var page listPage[map[string]any]
		if err := json.Unmarshal(data, &page); err != nil {
			return false, fmt.Errorf("find %s %q: authentik's answer is not a list", ch.Kind, name)
		}
		for _, it := range page.Results {
			if it[k.Key] == name {
				ids.Set(ch.Kind, ch.Key, fmt.Sprint(it[k.PK]))
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil || len(patch) == 0 {
		return err
	}
	pk, err := ids.Resolve(plan.Later(ch.Kind, ch.Key))
	if err != nil {
		return fmt.Errorf("%s: %w", doing(ch), err)
	}
	return e.patched(ctx, ch, func(ctx context.Context) (*http.Response, error) {
		resp, _, err := e.c.raw(ctx, http.MethodPatch, k.Path+url.PathEscape(pk)+"/", nil, patch)
		return resp, err
	})
}
