package authentik

import (
	"context"
	"net/http"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

// Kinds provision only reads: flows, key pairs, SAML property mappings and
// policy bindings (bindings are written through access, kind_access.go).

// flowIO is the flow descriptor's engine IO (flows are managed by the kind
// engine), plus the typed view providers resolve their flows in.
var flowIO = kindIO{
	read: func(r *reader, live *plan.Live) {
		entryIO(string(plan.KindFlow)).read(r, live)
		r.after = append(r.after, func() {
			for _, o := range live.Objects[plan.KindFlow] {
				des, _ := o.Fields["designation"].(string)
				name, _ := o.Fields["name"].(string)
				live.Flows = append(live.Flows, plan.Flow{PK: o.PK, Slug: o.Key, Name: name, Designation: des})
			}
		})
	},
	exec: entryIO(string(plan.KindFlow)).exec,
}

var keyPairIO = kindIO{read: func(r *reader, live *plan.Live) {
	read(r, "list certificate key pairs", plan.KindKeyPair, "name", func(k *api.CertificateKeyPair) plan.KeyPair {
		out := plan.KeyPair{PK: k.Pk, Name: k.Name, PrivateKey: k.PrivateKeyAvailable}
		if t := k.KeyType.Get(); t != nil {
			out.KeyType = string(*t)
		}
		return out
	}, &live.KeyPairs, func(ctx context.Context, page int32) (*http.Response, error) {
		_, resp, err := r.c.api.CryptoApi.CryptoCertificatekeypairsList(ctx).Page(page).PageSize(pageSize).Execute()
		return resp, err
	})
}}

var samlMappingIO = kindIO{read: func(r *reader, live *plan.Live) {
	read(r, "list SAML property mappings", plan.KindSAMLMapping, "name", func(m *api.SAMLPropertyMapping) plan.PropertyMapping {
		return plan.PropertyMapping{PK: m.Pk, Name: m.Name, Managed: nullString(m.Managed)}
	}, &live.SAMLMappings, func(ctx context.Context, page int32) (*http.Response, error) {
		_, resp, err := r.c.api.PropertymappingsApi.PropertymappingsProviderSamlList(ctx).Page(page).PageSize(pageSize).Execute()
		return resp, err
	})
}}

var bindingIO = kindIO{read: func(r *reader, live *plan.Live) {
	read(r, "list policy bindings", plan.KindBinding, "pk", func(b *api.PolicyBinding) plan.Binding {
		out := plan.Binding{PK: b.Pk, Target: b.Target, Group: nullString(b.Group), Policy: nullString(b.Policy), Order: b.Order,
			Negate: b.GetNegate(), Disabled: b.Enabled != nil && !*b.Enabled}
		if v := b.User.Get(); v != nil {
			out.User = *v
		}
		return out
	}, &live.Bindings, func(ctx context.Context, page int32) (*http.Response, error) {
		_, resp, err := r.c.api.PoliciesApi.PoliciesBindingsList(ctx).Page(page).PageSize(pageSize).Execute()
		return resp, err
	})
}}
