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
	var mu sync.Mutex // guards live.Unreadable
	g, ctx := errgroup.WithContext(ctx)
	want := func(k plan.Kind) bool { return slices.Contains(kinds, k) }
	collect := func(u []plan.Unreadable) {
		mu.Lock()
		live.Unreadable = append(live.Unreadable, u...)
		mu.Unlock()
	}

	if want(plan.KindFlow) {
		g.Go(func() error {
			items, bad, err := listAll(ctx, c, "list flows", plan.KindFlow, "slug", func(ctx context.Context, page int32) ([]api.Flow, *http.Response, error) {
				r, resp, err := c.api.FlowsApi.FlowsInstancesList(ctx).Page(page).PageSize(pageSize).Execute()
				return results(r, func(r *api.PaginatedFlowList) []api.Flow { return r.Results }), resp, err
			})
			live.Flows = convertAll(items, flowFromAPI)
			collect(bad)
			return err
		})
	}
	if want(plan.KindScopeMapping) {
		g.Go(func() error {
			items, bad, err := listAll(ctx, c, "list scope mappings", plan.KindScopeMapping, "name", func(ctx context.Context, page int32) ([]api.ScopeMapping, *http.Response, error) {
				r, resp, err := c.api.PropertymappingsApi.PropertymappingsProviderScopeList(ctx).Page(page).PageSize(pageSize).Execute()
				return results(r, func(r *api.PaginatedScopeMappingList) []api.ScopeMapping { return r.Results }), resp, err
			})
			live.ScopeMappings = convertAll(items, scopeMappingFromAPI)
			collect(bad)
			return err
		})
	}
	if want(plan.KindKeyPair) {
		g.Go(func() error {
			items, bad, err := listAll(ctx, c, "list certificate key pairs", plan.KindKeyPair, "name", func(ctx context.Context, page int32) ([]api.CertificateKeyPair, *http.Response, error) {
				r, resp, err := c.api.CryptoApi.CryptoCertificatekeypairsList(ctx).Page(page).PageSize(pageSize).Execute()
				return results(r, func(r *api.PaginatedCertificateKeyPairList) []api.CertificateKeyPair { return r.Results }), resp, err
			})
			live.KeyPairs = convertAll(items, keyPairFromAPI)
			collect(bad)
			return err
		})
	}
	if want(plan.KindGroup) {
		g.Go(func() error {
			items, bad, err := listAll(ctx, c, "list groups", plan.KindGroup, "name", func(ctx context.Context, page int32) ([]api.Group, *http.Response, error) {
				// Members are never needed: don't make authentik serialise them.
				r, resp, err := c.api.CoreApi.CoreGroupsList(ctx).IncludeUsers(false).Page(page).PageSize(pageSize).Execute()
				return results(r, func(r *api.PaginatedGroupList) []api.Group { return r.Results }), resp, err
			})
			live.Groups = convertAll(items, groupFromAPI)
			collect(bad)
			return err
		})
	}
	var oauth2 []api.OAuth2Provider
	var proxies []api.ProxyProvider
	if want(plan.KindProvider) {
		g.Go(func() error {
			items, bad, err := listAll(ctx, c, "list OAuth2 providers", plan.KindProvider, "name", func(ctx context.Context, page int32) ([]api.OAuth2Provider, *http.Response, error) {
				r, resp, err := c.api.ProvidersApi.ProvidersOauth2List(ctx).Page(page).PageSize(pageSize).Execute()
				return results(r, func(r *api.PaginatedOAuth2ProviderList) []api.OAuth2Provider { return r.Results }), resp, err
			})
			oauth2 = items
			collect(bad)
			return err
		})
		g.Go(func() error {
			items, bad, err := listAll(ctx, c, "list proxy providers", plan.KindProvider, "name", func(ctx context.Context, page int32) ([]api.ProxyProvider, *http.Response, error) {
				r, resp, err := c.api.ProvidersApi.ProvidersProxyList(ctx).Page(page).PageSize(pageSize).Execute()
				return results(r, func(r *api.PaginatedProxyProviderList) []api.ProxyProvider { return r.Results }), resp, err
			})
			proxies = items
			collect(bad)
			return err
		})
	}
	if want(plan.KindApplication) {
		g.Go(func() error { return c.requireSuperuser(ctx) })
		g.Go(func() error {
			items, bad, err := listAll(ctx, c, "list applications", plan.KindApplication, "slug", func(ctx context.Context, page int32) ([]api.Application, *http.Response, error) {
				// superuser_full_list: the plain list is filtered by the
				// token user's access and cached per user for 24h.
				r, resp, err := c.api.CoreApi.CoreApplicationsList(ctx).SuperuserFullList(true).Page(page).PageSize(pageSize).Execute()
				return results(r, func(r *api.PaginatedApplicationList) []api.Application { return r.Results }), resp, err
			})
			live.Applications = convertAll(items, applicationFromAPI)
			collect(bad)
			return err
		})
	}
	if want(plan.KindBinding) {
		g.Go(func() error {
			items, bad, err := listAll(ctx, c, "list policy bindings", plan.KindBinding, "pk", func(ctx context.Context, page int32) ([]api.PolicyBinding, *http.Response, error) {
				r, resp, err := c.api.PoliciesApi.PoliciesBindingsList(ctx).Page(page).PageSize(pageSize).Execute()
				return results(r, func(r *api.PaginatedPolicyBindingList) []api.PolicyBinding { return r.Results }), resp, err
			})
			live.Bindings = convertAll(items, bindingFromAPI)
			collect(bad)
			return err
		})
	}
	if want(plan.KindOutpost) {
		g.Go(func() error {
			items, bad, err := listAll(ctx, c, "list outposts", plan.KindOutpost, "name", func(ctx context.Context, page int32) ([]api.Outpost, *http.Response, error) {
				r, resp, err := c.api.OutpostsApi.OutpostsInstancesList(ctx).Page(page).PageSize(pageSize).Execute()
				return results(r, func(r *api.PaginatedOutpostList) []api.Outpost { return r.Results }), resp, err
			})
			live.Outposts = convertAll(items, outpostFromAPI)
			collect(bad)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	live.Providers = mergeProviders(oauth2, proxies)
	return live, nil
}

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

func results[L any, T any](list *L, get func(*L) []T) []T {
	if list == nil {
		return nil
	}
	return get(list)
}

func convertAll[A any, P any](items []A, conv func(*A) P) []P {
	out := make([]P, len(items))
	for i := range items {
		out[i] = conv(&items[i])
	}
	return out
}

// fetchFunc fetches one page of a list through the generated client.
type fetchFunc[T any] func(ctx context.Context, page int32) ([]T, *http.Response, error)

// listAll reads every page of a list: the first, then the rest in parallel.
func listAll[T any](ctx context.Context, c *Client, doing string, kind plan.Kind, keyField string, fetch fetchFunc[T]) ([]T, []plan.Unreadable, error) {
	first, err := fetchPage(ctx, c, doing, kind, keyField, fetch, 1)
	if err != nil {
		return nil, nil, err
	}
	pages := []pageOf[T]{first}
	if first.totalPages > 1 {
		rest := make([]pageOf[T], first.totalPages-1)
		g, gctx := errgroup.WithContext(ctx)
		for i := range rest {
			g.Go(func() error {
				p, err := fetchPage(gctx, c, doing, kind, keyField, fetch, int32(i+2))
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

func fetchPage[T any](ctx context.Context, c *Client, doing string, kind plan.Kind, keyField string, fetch fetchFunc[T], page int32) (pageOf[T], error) {
	if err := ctx.Err(); err != nil {
		return pageOf[T]{}, fmt.Errorf("%s page %d: %w", doing, page, err)
	}
	_, resp, err := fetch(ctx, page)
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
func mergeProviders(oauth2 []api.OAuth2Provider, proxies []api.ProxyProvider) []plan.Provider {
	proxyByPK := map[int32]*api.ProxyProvider{}
	for i := range proxies {
		proxyByPK[proxies[i].Pk] = &proxies[i]
	}
	var out []plan.Provider
	seen := map[int32]bool{}
	for i := range oauth2 {
		p := providerFromAPI(&oauth2[i])
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
