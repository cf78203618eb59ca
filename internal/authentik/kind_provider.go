package authentik

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

// providerTypeIO is the API layer's part of a provider type: its own list
// (read only when the manifest manages providers of the type) and its
// create/update. One file per type (provider_<type>.go).
type providerTypeIO struct {
	// model is authentik's meta_model_name for the type.
	model string
	// read lists the type's providers into dst as their details.
	read func(r *reader, dst *[]typedDetail)
	// write creates the provider (ch.Action Create) or PATCHes it, sending
	// mappings (nil = not sent) and returns its pk.
	write func(ctx context.Context, e *Executor, ch *plan.Change, s *plan.ProviderSpec, mappings []string) (int32, error)
}

// typedDetail is one provider's own fields, from its type's list.
type typedDetail struct {
	pk     int32
	detail plan.ProviderDetail
}

var providerTypeIOs = map[string]providerTypeIO{
	"oauth2": oauth2IO,
	"proxy":  proxyIO,
	"saml":   samlIO,
	"ldap":   ldapIO,
}

// providerIO reads every provider, of any type, through providers/all, plus
// the own list of each type the manifest manages; it deletes through the
// type-agnostic endpoint.
var providerIO = kindIO{
	read: func(r *reader, live *plan.Live) {
		read(r, "list providers", plan.KindProvider, "name", providerFromAPI, &live.Providers, func(ctx context.Context, page int32) (*http.Response, error) {
			_, resp, err := r.c.api.ProvidersApi.ProvidersAllList(ctx).Page(page).PageSize(pageSize).Execute()
			return resp, err
		})
		details := map[string]*[]typedDetail{}
		for _, t := range r.reads.ProviderTypes {
			io, ok := providerTypeIOs[t]
			if !ok {
				continue
			}
			dst := &[]typedDetail{}
			details[t] = dst
			io.read(r, dst)
		}
		r.after = append(r.after, func() { attachDetails(live.Providers, details) })
	},
	exec: execProvider,
}

// attachDetails joins each provider with its type's own fields.
func attachDetails(providers []plan.Provider, details map[string]*[]typedDetail) {
	for t, list := range details {
		byPK := map[int32]plan.ProviderDetail{}
		for _, d := range *list {
			byPK[d.pk] = d.detail
		}
		for i := range providers {
			if providers[i].Type == t {
				providers[i].Detail = byPK[providers[i].PK]
			}
		}
	}
}

func providerFromAPI(p *api.Provider) plan.Provider {
	return plan.Provider{
		PK: p.Pk, Name: p.Name, Type: providerType(p.MetaModelName), TypeLabel: p.VerboseName,
		AuthorizationFlow: p.AuthorizationFlow, InvalidationFlow: p.InvalidationFlow,
		AuthenticationFlow: nullString(p.AuthenticationFlow), PropertyMappings: p.PropertyMappings,
	}
}

// providerType names a provider's type from authentik's model name:
// "authentik_providers_saml.samlprovider" is saml; types provision does not
// manage keep their model's name ("radius", "scim", ...).
func providerType(model string) string {
	for name, io := range providerTypeIOs {
		if io.model == model {
			return name
		}
	}
	_, m, _ := strings.Cut(model, ".")
	return strings.TrimSuffix(m, "provider")
}

func execProvider(ctx context.Context, e *Executor, ch *plan.Change, ids *plan.IDs) error {
	if ch.Action == plan.Delete {
		pk, err := providerPK(ch.ID)
		if err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
		return e.deleted(ctx, ch, func(ctx context.Context) (*http.Response, error) {
			return e.c.api.ProvidersApi.ProvidersAllDestroy(ctx, pk).Execute()
		})
	}
	s, err := spec[plan.ProviderSpec](ch)
	if err != nil {
		return err
	}
	io, ok := providerTypeIOs[s.Type()]
	if !ok {
		return fmt.Errorf("%s: provider type %q cannot be written", doing(ch), s.Type())
	}
	mappings, err := resolve(ch, ids, s.PropertyMappings)
	if err != nil {
		return err
	}
	if s, err = withLaterFlows(ch, s, ids); err != nil {
		return err
	}
	if len(s.LaterKeys) > 0 {
		// Certificates created earlier in this apply, by uuid.
		out := *s
		for field, name := range s.LaterKeys {
			pk, err := ids.Get(plan.KindCertificate, name)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", doing(ch), field, err)
			}
			if !out.SetKeyPair(field, pk) {
				return fmt.Errorf("%s: %s cannot name a certificate", doing(ch), field)
			}
		}
		s = &out
	}
	pk, err := io.write(ctx, e, ch, s, mappings)
	if err != nil {
		return err
	}
	ids.Set(plan.KindProvider, s.Name, strconv.Itoa(int(pk)))
	return nil
}

// withLaterFlows returns the spec with the flows created earlier in this
// apply set by uuid.
func withLaterFlows(ch *plan.Change, s *plan.ProviderSpec, ids *plan.IDs) (*plan.ProviderSpec, error) {
	if len(s.LaterFlows) == 0 {
		return s, nil
	}
	out := *s
	for field, slug := range s.LaterFlows {
		pk, err := ids.Get(plan.KindFlow, slug)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", doing(ch), field, err)
		}
		switch field {
		case "authorization_flow":
			out.AuthorizationFlow = &pk
		case "invalidation_flow":
			out.InvalidationFlow = &pk
		case "authentication_flow":
			out.AuthenticationFlow = &pk
		}
	}
	return &out, nil
}

// nullableRef turns a reference field of a spec into the API's nullable
// string: nil is not sent, "" sends null.
func nullableRef(v *string) api.NullableString {
	var n api.NullableString
	if v == nil {
		return n
	}
	if *v == "" {
		n.Set(nil)
	} else {
		n.Set(v)
	}
	return n
}

// detailOf returns the spec's type fields as T. execProvider picks the
// type's write by the spec's own type (its Detail's), so a mismatch means
// providerTypeIOs is wired wrong: an error naming the change, never a
// zero value.
func detailOf[T any, P interface {
	*T
	plan.ProviderTypeSpec
}](ch *plan.Change, s *plan.ProviderSpec) (*T, error) {
	d, ok := s.Detail.(P)
	if !ok || d == nil {
		want := &plan.ProviderSpec{Detail: P(new(T))}
		return nil, fmt.Errorf("%s: the plan carries %s provider fields, not %s ones", doing(ch), s.Type(), want.Type())
	}
	return d, nil
}

// createOrPatch runs a provider type's create (for a Create change) or its
// PATCH of the provider the change names, and returns the provider's pk.
// Both are retried as ambiguous.go says; after a create whose outcome is
// unknown the provider is looked up by name (names are unique).
func (e *Executor) createOrPatch(ctx context.Context, ch *plan.Change, create func(context.Context) (int32, *http.Response, error), patch func(ctx context.Context, pk int32) (*http.Response, error)) (int32, error) {
	if ch.Action == plan.Create {
		var pk int32
		err := e.created(ctx, doing(ch), func(ctx context.Context) (*http.Response, error) {
			got, resp, err := create(ctx)
			if err == nil {
				pk = got
			}
			return resp, err
		}, func(ctx context.Context) (bool, error) {
			found, err := e.findProvider(ctx, ch)
			if err != nil || found == 0 {
				return false, err
			}
			pk = found
			return true, nil
		})
		return pk, err
	}
	pk, err := providerPK(ch.ID)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", doing(ch), err)
	}
	return pk, e.patched(ctx, ch, func(ctx context.Context) (*http.Response, error) { return patch(ctx, pk) })
}

// findProvider returns the pk of the provider named by a create change, 0
// when there is none. Providers have no name filter, only a search (name
// or application name contains), so every page of matches is looked at:
// the provider a lost create made is the newest, listed last.
func (e *Executor) findProvider(ctx context.Context, ch *plan.Change) (int32, error) {
	s, err := spec[plan.ProviderSpec](ch)
	if err != nil {
		return 0, err
	}
	for page := int32(1); ; page++ {
		list, resp, err := e.c.api.ProvidersApi.ProvidersAllList(ctx).Search(s.Name).Page(page).PageSize(pageSize).Execute()
		if err != nil {
			return 0, e.c.wrap("find provider "+s.Name, resp, err)
		}
		for _, p := range list.Results {
			// The plan refused a name held by another type, and names are
			// unique: this is the one the lost create made.
			if p.Name == s.Name {
				return p.Pk, nil
			}
		}
		if float32(page) >= list.Pagination.TotalPages {
			return 0, nil
		}
	}
}

// pkOf is a created object's pk, or 0 when the create failed.
func pkOf[T interface{ GetPk() int32 }](obj T, resp *http.Response, err error) (int32, *http.Response, error) {
	if err != nil {
		return 0, resp, err
	}
	return obj.GetPk(), resp, nil
}

// respOf drops an update's decoded result.
func respOf[T any](_ T, resp *http.Response, err error) (*http.Response, error) { return resp, err }
