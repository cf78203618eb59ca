package authentik

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

// Executor performs plan changes against authentik. Each write sends only
// the fields the change owns (PATCH for updates), so values others set by
// hand on fields the manifest does not declare are kept.
type Executor struct{ c *Client }

var _ plan.Executor = (*Executor)(nil)

// Executor returns the client's plan executor.
func (c *Client) Executor() *Executor { return &Executor{c: c} }

// Execute performs one change and records created pks in ids.
func (e *Executor) Execute(ctx context.Context, ch *plan.Change, ids *plan.IDs) error {
	switch ch.Kind {
	case plan.KindGroup:
		return e.group(ctx, ch, ids)
	case plan.KindProvider:
		return e.provider(ctx, ch, ids)
	case plan.KindApplication:
		return e.application(ctx, ch, ids)
	case plan.KindAccess:
		return e.access(ctx, ch, ids)
	case plan.KindOutpost:
		return e.outpost(ctx, ch, ids)
	}
	return fmt.Errorf("unknown change kind %q", ch.Kind)
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

func (e *Executor) group(ctx context.Context, ch *plan.Change, ids *plan.IDs) error {
	c := e.c
	if ch.Action == plan.Delete {
		return e.deleted(ch)(c.api.CoreApi.CoreGroupsDestroy(ctx, ch.ID).Execute())
	}
	s := ch.Spec.(*plan.GroupSpec)
	if ch.Action == plan.Create {
		req := api.NewGroupRequest(s.Name)
		req.IsSuperuser = s.IsSuperuser
		req.Attributes = s.Attributes
		g, resp, err := c.api.CoreApi.CoreGroupsCreate(ctx).GroupRequest(*req).Execute()
		if err != nil {
			return c.wrap(doing(ch), resp, err)
		}
		ids.Set(plan.KindGroup, s.Name, g.Pk)
		return nil
	}
	// PATCH, never PUT: a group PUT without users drops every member.
	req := api.PatchedGroupRequest{IsSuperuser: s.IsSuperuser, Attributes: s.Attributes}
	_, resp, err := c.api.CoreApi.CoreGroupsPartialUpdate(ctx, ch.ID).PatchedGroupRequest(req).Execute()
	if err != nil {
		return c.wrap(doing(ch), resp, err)
	}
	return nil
}

func (e *Executor) provider(ctx context.Context, ch *plan.Change, ids *plan.IDs) error {
	c := e.c
	if ch.Action == plan.Delete {
		pk, err := providerPK(ch.ID)
		if err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
		// The OAuth2 endpoint deletes proxy providers too (same table).
		return e.deleted(ch)(c.api.ProvidersApi.ProvidersOauth2Destroy(ctx, pk).Execute())
	}
	s := ch.Spec.(*plan.ProviderSpec)
	if s.Type == "proxy" {
		return e.proxyProvider(ctx, ch, s, ids)
	}
	patch := oauth2Patch(s)
	var pk int32
	if ch.Action == plan.Create {
		req := api.OAuth2ProviderRequest{
			Name:                   s.Name,
			AuthorizationFlow:      deref(patch.AuthorizationFlow),
			InvalidationFlow:       deref(patch.InvalidationFlow),
			AuthenticationFlow:     patch.AuthenticationFlow,
			PropertyMappings:       patch.PropertyMappings,
			ClientType:             patch.ClientType,
			ClientId:               patch.ClientId,
			ClientSecret:           patch.ClientSecret,
			SigningKey:             patch.SigningKey,
			SubMode:                patch.SubMode,
			IssuerMode:             patch.IssuerMode,
			IncludeClaimsInIdToken: patch.IncludeClaimsInIdToken,
			AccessCodeValidity:     patch.AccessCodeValidity,
			AccessTokenValidity:    patch.AccessTokenValidity,
			RefreshTokenValidity:   patch.RefreshTokenValidity,
			LogoutUri:              patch.LogoutUri,
			LogoutMethod:           patch.LogoutMethod,
			RedirectUris:           patch.RedirectUris,
		}
		if req.RedirectUris == nil {
			req.RedirectUris = []api.RedirectURIRequest{} // required: nil would send null
		}
		p, resp, err := c.api.ProvidersApi.ProvidersOauth2Create(ctx).OAuth2ProviderRequest(req).Execute()
		if err != nil {
			return c.wrap(doing(ch), resp, err)
		}
		pk = p.Pk
	} else {
		id, err := providerPK(ch.ID)
		if err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
		p, resp, err := c.api.ProvidersApi.ProvidersOauth2PartialUpdate(ctx, id).PatchedOAuth2ProviderRequest(patch).Execute()
		if err != nil {
			return c.wrap(doing(ch), resp, err)
		}
		pk = p.Pk
	}
	ids.Set(plan.KindProvider, s.Name, strconv.Itoa(int(pk)))
	return nil
}

// oauth2Patch holds the fields of an OAuth2 provider spec as authentik's
// PATCH body; a create copies it into the create body.
func oauth2Patch(s *plan.ProviderSpec) api.PatchedOAuth2ProviderRequest {
	req := api.PatchedOAuth2ProviderRequest{
		AuthorizationFlow:      s.AuthorizationFlow,
		InvalidationFlow:       s.InvalidationFlow,
		PropertyMappings:       s.PropertyMappings,
		ClientType:             (*api.ClientTypeEnum)(s.ClientType),
		ClientId:               s.ClientID,
		ClientSecret:           s.ClientSecret,
		SubMode:                (*api.SubModeEnum)(s.SubMode),
		IssuerMode:             (*api.IssuerModeEnum)(s.IssuerMode),
		IncludeClaimsInIdToken: s.IncludeClaimsInIDToken,
		AccessCodeValidity:     s.AccessCodeValidity,
		AccessTokenValidity:    s.AccessTokenValidity,
		RefreshTokenValidity:   s.RefreshTokenValidity,
		LogoutUri:              s.LogoutURI,
		LogoutMethod:           (*api.OAuth2ProviderLogoutMethodEnum)(s.LogoutMethod),
	}
	if s.AuthenticationFlow != nil {
		req.AuthenticationFlow.Set(s.AuthenticationFlow)
	}
	if s.SigningKey != nil {
		if *s.SigningKey == "" {
			req.SigningKey.Set(nil) // null: tokens signed with HS256
		} else {
			req.SigningKey.Set(s.SigningKey)
		}
	}
	if s.RedirectURIs != nil {
		req.RedirectUris = redirectRequests(s.RedirectURIs)
	}
	return req
}

func redirectRequests(rs []plan.RedirectURI) []api.RedirectURIRequest {
	out := make([]api.RedirectURIRequest, len(rs))
	for i, r := range rs {
		out[i] = api.RedirectURIRequest{MatchingMode: api.MatchingModeEnum(r.MatchingMode), Url: r.URL}
	}
	return out
}

func (e *Executor) proxyProvider(ctx context.Context, ch *plan.Change, s *plan.ProviderSpec, ids *plan.IDs) error {
	c := e.c
	// The plan sends mode and internal_host along on updates: a PATCH
	// without mode is validated as mode=proxy.
	patch := api.PatchedProxyProviderRequest{
		AuthorizationFlow: s.AuthorizationFlow, InvalidationFlow: s.InvalidationFlow, PropertyMappings: s.PropertyMappings,
		ExternalHost: s.ExternalHost, InternalHost: s.InternalHost, InternalHostSslValidation: s.InternalHostSSLValidation,
		SkipPathRegex: s.SkipPathRegex, CookieDomain: s.CookieDomain, InterceptHeaderAuth: s.InterceptHeaderAuth,
		AccessTokenValidity: s.AccessTokenValidity, RefreshTokenValidity: s.RefreshTokenValidity, Mode: (*api.ProxyMode)(s.Mode),
	}
	if s.AuthenticationFlow != nil {
		patch.AuthenticationFlow.Set(s.AuthenticationFlow)
	}
	var pk int32
	if ch.Action == plan.Create {
		req := api.NewProxyProviderRequest(s.Name, deref(s.AuthorizationFlow), deref(s.InvalidationFlow), deref(s.ExternalHost))
		req.AuthenticationFlow, req.PropertyMappings, req.Mode = patch.AuthenticationFlow, patch.PropertyMappings, patch.Mode
		req.InternalHost, req.InternalHostSslValidation, req.SkipPathRegex = patch.InternalHost, patch.InternalHostSslValidation, patch.SkipPathRegex
		req.CookieDomain, req.InterceptHeaderAuth = patch.CookieDomain, patch.InterceptHeaderAuth
		req.AccessTokenValidity, req.RefreshTokenValidity = patch.AccessTokenValidity, patch.RefreshTokenValidity
		p, resp, err := c.api.ProvidersApi.ProvidersProxyCreate(ctx).ProxyProviderRequest(*req).Execute()
		if err != nil {
			return c.wrap(doing(ch), resp, err)
		}
		pk = p.Pk
	} else {
		id, err := providerPK(ch.ID)
		if err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
		p, resp, err := c.api.ProvidersApi.ProvidersProxyPartialUpdate(ctx, id).PatchedProxyProviderRequest(patch).Execute()
		if err != nil {
			return c.wrap(doing(ch), resp, err)
		}
		pk = p.Pk
	}
	ids.Set(plan.KindProvider, s.Name, strconv.Itoa(int(pk)))
	return nil
}

func (e *Executor) application(ctx context.Context, ch *plan.Change, ids *plan.IDs) error {
	c := e.c
	if ch.Action == plan.Delete {
		return e.deleted(ch)(c.api.CoreApi.CoreApplicationsDestroy(ctx, ch.ID).Execute())
	}
	s := ch.Spec.(*plan.ApplicationSpec)
	var provider api.NullableInt32
	if s.Provider != nil {
		if *s.Provider == "" {
			provider.Set(nil)
		} else {
			id, err := ids.Get(plan.KindProvider, *s.Provider)
			if err != nil {
				return fmt.Errorf("%s: %w", doing(ch), err)
			}
			pk, err := providerPK(id)
			if err != nil {
				return fmt.Errorf("%s: %w", doing(ch), err)
			}
			provider.Set(&pk)
		}
	}
	var mode *api.PolicyEngineMode
	if s.PolicyEngineMode != nil {
		mode = (*api.PolicyEngineMode)(s.PolicyEngineMode)
	}
	if ch.Action == plan.Create {
		req := api.ApplicationRequest{
			Name: deref(s.Name), Slug: s.Slug, Provider: provider, OpenInNewTab: s.OpenInNewTab,
			MetaLaunchUrl: s.MetaLaunchURL, MetaIcon: s.MetaIcon, MetaDescription: s.MetaDescription,
			MetaPublisher: s.MetaPublisher, PolicyEngineMode: mode, Group: s.Group,
		}
		a, resp, err := c.api.CoreApi.CoreApplicationsCreate(ctx).ApplicationRequest(req).Execute()
		if err != nil {
			return c.wrap(doing(ch), resp, err)
		}
		ids.Set(plan.KindApplication, s.Slug, a.Pk)
		return nil
	}
	req := api.PatchedApplicationRequest{
		Name: s.Name, Provider: provider, OpenInNewTab: s.OpenInNewTab,
		MetaLaunchUrl: s.MetaLaunchURL, MetaIcon: s.MetaIcon, MetaDescription: s.MetaDescription,
		MetaPublisher: s.MetaPublisher, PolicyEngineMode: mode, Group: s.Group,
	}
	_, resp, err := c.api.CoreApi.CoreApplicationsPartialUpdate(ctx, ch.ID).PatchedApplicationRequest(req).Execute()
	if err != nil {
		return c.wrap(doing(ch), resp, err)
	}
	return nil
}

// access creates the missing group bindings (whole bodies, never PATCH: a
// binding PATCH without target crashes authentik) and deletes extra ones.
func (e *Executor) access(ctx context.Context, ch *plan.Change, ids *plan.IDs) error {
	c := e.c
	s := ch.Spec.(*plan.AccessSpec)
	appPK, err := ids.Get(plan.KindApplication, s.AppSlug)
	if err != nil {
		return fmt.Errorf("%s: %w", doing(ch), err)
	}
	for i, group := range s.AddGroups {
		groupPK, err := ids.Get(plan.KindGroup, group)
		if err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
		req := api.NewPolicyBindingRequest(appPK, s.FirstOrder+int32(i))
		req.Group.Set(&groupPK)
		enabled := true
		req.Enabled = &enabled
		if _, resp, err := c.api.PoliciesApi.PoliciesBindingsCreate(ctx).PolicyBindingRequest(*req).Execute(); err != nil {
			return c.wrap(fmt.Sprintf("%s: bind group %q", doing(ch), group), resp, err)
		}
	}
	for _, pk := range s.RemoveBindings {
		resp, err := c.api.PoliciesApi.PoliciesBindingsDestroy(ctx, pk).Execute()
		if err != nil && !gone(resp, err) {
			return c.wrap(fmt.Sprintf("%s: remove binding %s", doing(ch), pk), resp, err)
		}
	}
	return nil
}

// outpost creates an outpost, or changes its providers. It re-reads the
// outpost right before writing and applies the change to what is attached
// then, so providers others attached since the plan was made are kept
// (unless listed for removal); type is always sent with providers so
// authentik checks their compatibility.
func (e *Executor) outpost(ctx context.Context, ch *plan.Change, ids *plan.IDs) error {
	c := e.c
	if ch.Action == plan.Delete {
		return e.deleted(ch)(c.api.OutpostsApi.OutpostsInstancesDestroy(ctx, ch.ID).Execute())
	}
	s := ch.Spec.(*plan.OutpostSpec)
	var add []int32
	for _, name := range s.AddProviders {
		id, err := ids.Get(plan.KindProvider, name)
		if err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
		pk, err := providerPK(id)
		if err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
		add = append(add, pk)
	}
	if ch.Action == plan.Create {
		cfg := s.Config
		if cfg == nil {
			cfg = map[string]any{}
		}
		req := api.NewOutpostRequest(s.Name, api.OutpostTypeEnum(s.Type), add, cfg)
		o, resp, err := c.api.OutpostsApi.OutpostsInstancesCreate(ctx).OutpostRequest(*req).Execute()
		if err != nil {
			return c.wrap(doing(ch), resp, err)
		}
		ids.Set(plan.KindOutpost, s.Name, o.Pk)
		return nil
	}
	cur, resp, err := c.api.OutpostsApi.OutpostsInstancesRetrieve(ctx, ch.ID).Execute()
	if err != nil {
		return c.wrap(doing(ch), resp, err)
	}
	var providers []int32
	for _, pk := range cur.Providers {
		if !slices.Contains(s.RemoveProviders, pk) {
			providers = append(providers, pk)
		}
	}
	for _, pk := range add {
		if !slices.Contains(providers, pk) {
			providers = append(providers, pk)
		}
	}
	typ := cur.Type
	if s.Type != "" {
		typ = api.OutpostTypeEnum(s.Type)
	}
	req := api.PatchedOutpostRequest{Type: &typ, Providers: providers, Config: s.Config}
	if _, resp, err := c.api.OutpostsApi.OutpostsInstancesPartialUpdate(ctx, ch.ID).PatchedOutpostRequest(req).Execute(); err != nil {
		return c.wrap(doing(ch), resp, err)
	}
	return nil
}

// providerPK parses a provider pk kept as a string in plans and IDs.
func providerPK(id string) (int32, error) {
	pk, err := strconv.ParseInt(id, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("bad provider id %q", id)
	}
	return int32(pk), nil
}

// IsNotFound reports whether err says an object does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
