package authentik

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"

	api "goauthentik.io/api/v3"
	"golang.org/x/sync/errgroup"

	"github.com/provision/provision/internal/plan"
)

// pageSize is authentik's maximum page size.
const pageSize = 100

// Snapshot reads the live objects of the given kinds. Every kind is listed
// (never fetched one by one) at the maximum page size; all lists run in
// parallel, and once a list's first page gives its page count the other
// pages are fetched in parallel too. So the number of requests depends on
// the kinds and the size of authentik, not on the manifest.
//
// Objects that do not decode (a newer authentik's enum values) are recorded
// in Live.Unreadable instead of failing the read.
func (c *Client) Snapshot(ctx context.Context, kinds []plan.Kind) (*plan.Live, error) {
	live := &plan.Live{}
	var oauth2 []plan.Provider
	var proxies []api.ProxyProvider
	var mu sync.Mutex // guards live.Unreadable
	g, ctx := errgroup.WithContext(ctx)
	r := reader{c: c, g: g, ctx: ctx, unreadable: func(u []plan.Unreadable) {
		mu.Lock()
		live.Unreadable = append(live.Unreadable, u...)
		mu.Unlock()
	}}
	for _, k := range kinds {
		switch k {
		case plan.KindFlow:
			read(r, "list flows", k, "slug", flowFromAPI, &live.Flows, func(ctx context.Context, page int32) (*http.Response, error) {
				_, resp, err := c.api.FlowsApi.FlowsInstancesList(ctx).Page(page).PageSize(pageSize).Execute()
				return resp, err
			})
		case plan.KindScopeMapping:
			read(r, "list scope mappings", k, "name", scopeMappingFromAPI, &live.ScopeMappings, func(ctx context.Context, page int32) (*http.Response, error) {
				_, resp, err := c.api.PropertymappingsApi.PropertymappingsProviderScopeList(ctx).Page(page).PageSize(pageSize).Execute()
				return resp, err
			})
		case plan.KindKeyPair:
			read(r, "list certificate key pairs", k, "name", keyPairFromAPI, &live.KeyPairs, func(ctx context.Context, page int32) (*http.Response, error) {
				_, resp, err := c.api.CryptoApi.CryptoCertificatekeypairsList(ctx).Page(page).PageSize(pageSize).Execute()
				return resp, err
			})
		case plan.KindGroup:
			read(r, "list groups", k, "name", groupFromAPI, &live.Groups, func(ctx context.Context, page int32) (*http.Response, error) {
				// Members are never needed: don't make authentik serialise them.
				_, resp, err := c.api.CoreApi.CoreGroupsList(ctx).IncludeUsers(false).Page(page).PageSize(pageSize).Execute()
				return resp, err
			})
		case plan.KindProvider:
			// The OAuth2 list holds proxy providers too (in OAuth2 shape);
			// the proxy list tells them apart and has their proxy fields.
			read(r, "list OAuth2 providers", k, "name", providerFromAPI, &oauth2, func(ctx context.Context, page int32) (*http.Response, error) {
				_, resp, err := c.api.ProvidersApi.ProvidersOauth2List(ctx).Page(page).PageSize(pageSize).Execute()
				return resp, err
			})
			read(r, "list proxy providers", k, "name", identity[api.ProxyProvider], &proxies, func(ctx context.Context, page int32) (*http.Response, error) {
				_, resp, err := c.api.ProvidersApi.ProvidersProxyList(ctx).Page(page).PageSize(pageSize).Execute()
				return resp, err
			})
		case plan.KindApplication:
			g.Go(func() error { return c.requireSuperuser(ctx) })
			read(r, "list applications", k, "slug", applicationFromAPI, &live.Applications, func(ctx context.Context, page int32) (*http.Response, error) {
				// superuser_full_list: the plain list is filtered by the
				// token user's access and cached per user for 24h.
				_, resp, err := c.api.CoreApi.CoreApplicationsList(ctx).SuperuserFullList(true).Page(page).PageSize(pageSize).Execute()
				return resp, err
			})
		case plan.KindBinding:
			read(r, "list policy bindings", k, "pk", bindingFromAPI, &live.Bindings, func(ctx context.Context, page int32) (*http.Response, error) {
				_, resp, err := c.api.PoliciesApi.PoliciesBindingsList(ctx).Page(page).PageSize(pageSize).Execute()
				return resp, err
			})
		case plan.KindOutpost:
			read(r, "list outposts", k, "name", outpostFromAPI, &live.Outposts, func(ctx context.Context, page int32) (*http.Response, error) {
				_, resp, err := c.api.OutpostsApi.OutpostsInstancesList(ctx).Page(page).PageSize(pageSize).Execute()
				return resp, err
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	live.Providers = mergeProviders(oauth2, proxies)
	return live, nil
}

// reader runs the list reads of one snapshot in parallel.
type reader struct {
	c          *Client
	g          *errgroup.Group
	ctx        context.Context
	unreadable func([]plan.Unreadable)
}

// read lists every page of one kind in the background, decoding each item
// as the API model A and storing it converted into dst.
func read[A, P any](r reader, doing string, kind plan.Kind, keyField string, conv func(*A) P, dst *[]P, fetch fetchFunc) {
	r.g.Go(func() error {
		items, bad, err := listAll[A](r.ctx, r.c, doing, kind, keyField, fetch)
		out := make([]P, len(items))
		for i := range items {
			out[i] = conv(&items[i])
		}
		*dst = out
		r.unreadable(bad)
		return err
	})
}

func identity[T any](v *T) T { return *v }

// requireSuperuser fails unless the token's user is a superuser: for anyone
// else authentik ignores superuser_full_list and lists only the
// applications that user may access (cached per user), so existing
// applications would look absent and be created twice.
func (c *Client) requireSuperuser(ctx context.Context) error {
	me, err := c.Whoami(ctx)
	if err != nil {
		return err
	}
	if !me.IsSuperuser {
		return fmt.Errorf("the API token belongs to %q, who is not a superuser: authentik then lists only the applications that user may access, so provision cannot see which exist; use a superuser's token", me.Username)
	}
	return nil
}

// fetchFunc fetches one page of a list through the generated client. Its
// decoded result is not used: the client leaves the body readable, and
// fetchPage decodes it item by item so one unreadable object does not fail
// the whole list.
type fetchFunc func(ctx context.Context, page int32) (*http.Response, error)

// listAll reads every page of a list: the first, then the rest in parallel.
func listAll[T any](ctx context.Context, c *Client, doing string, kind plan.Kind, keyField string, fetch fetchFunc) ([]T, []plan.Unreadable, error) {
	first, err := fetchPage[T](ctx, c, doing, kind, keyField, fetch, 1)
	if err != nil {
		return nil, nil, err
	}
	pages := []pageOf[T]{first}
	if first.totalPages > 1 {
		rest := make([]pageOf[T], first.totalPages-1)
		g, gctx := errgroup.WithContext(ctx)
		for i := range rest {
			g.Go(func() error {
				p, err := fetchPage[T](gctx, c, doing, kind, keyField, fetch, int32(i+2))
				rest[i] = p
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, nil, err
		}
		pages = append(pages, rest...)
	}
	var items []T
	var bad []plan.Unreadable
	for _, p := range pages {
		items = append(items, p.items...)
		bad = append(bad, p.unreadable...)
	}
	return items, bad, nil
}

type pageOf[T any] struct {
	items      []T
	unreadable []plan.Unreadable
	totalPages int
}

// envelope is authentik's list envelope, with results left undecoded.
type envelope struct {
	Pagination struct {
		TotalPages float64 `json:"total_pages"`
	} `json:"pagination"`
	Results []json.RawMessage `json:"results"`
}

func fetchPage[T any](ctx context.Context, c *Client, doing string, kind plan.Kind, keyField string, fetch fetchFunc, page int32) (pageOf[T], error) {
	if err := ctx.Err(); err != nil {
		return pageOf[T]{}, fmt.Errorf("%s page %d: %w", doing, page, err)
	}
	resp, err := fetch(ctx, page)
	if err != nil && (resp == nil || resp.StatusCode >= 300) {
		return pageOf[T]{}, c.wrap(fmt.Sprintf("%s (page %d)", doing, page), resp, err)
	}
	if resp == nil {
		return pageOf[T]{}, fmt.Errorf("%s (page %d): no response", doing, page)
	}
	// Decode ourselves, item by item, so one object a newer authentik
	// serves with an unknown enum value does not fail the whole read. The
	// generated client leaves the body readable after Execute.
	body, rerr := io.ReadAll(resp.Body)
	if rerr != nil {
		return pageOf[T]{}, fmt.Errorf("%s (page %d): read body: %w", doing, page, rerr)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return pageOf[T]{}, fmt.Errorf("%s (page %d): authentik's answer is not a list: %w", doing, page, err)
	}
	p := pageOf[T]{totalPages: int(env.Pagination.TotalPages)}
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

// mergeProviders joins the OAuth2 list (which also holds proxy providers,
// in OAuth2 shape) with the proxy list, typing each provider.
func mergeProviders(oauth2 []plan.Provider, proxies []api.ProxyProvider) []plan.Provider {
	proxyByPK := map[int32]*api.ProxyProvider{}
	for i := range proxies {
		proxyByPK[proxies[i].Pk] = &proxies[i]
	}
	var out []plan.Provider
	seen := map[int32]bool{}
	for _, p := range oauth2 {
		if px, ok := proxyByPK[p.PK]; ok {
			withProxy(&p, px)
		}
		seen[p.PK] = true
		out = append(out, p)
	}
	for _, px := range proxies {
		if seen[px.Pk] {
			continue
		}
		p := plan.Provider{PK: px.Pk, Name: px.Name}
		withProxy(&p, &px)
		out = append(out, p)
	}
	return out
}
