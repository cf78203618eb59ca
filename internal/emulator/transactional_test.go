package emulator_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	api "goauthentik.io/api/v3"
)

// txnRequest is a transactional create of an OAuth2 provider named name,
// the application slug and, when group is set, a binding of that group.
func (e *env) txnRequest(name, slug, group string) api.TransactionApplicationRequest {
	p := api.NewOAuth2ProviderRequest(name, e.flow("default-provider-authorization-implicit-consent"),
		e.flow("default-provider-invalidation-flow"),
		[]api.RedirectURIRequest{*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_STRICT, "https://"+slug+".example.com/cb")})
	req := api.NewTransactionApplicationRequest(*api.NewApplicationRequest("App "+slug, slug),
		api.PROVIDERMODELENUM_OAUTH2_OAUTH2PROVIDER, api.OAuth2ProviderRequestAsModelRequest(p))
	if group != "" {
		b := api.NewTransactionPolicyBindingRequest(0)
		b.SetGroup(group)
		req.SetPolicyBindings([]api.TransactionPolicyBindingRequest{*b})
	}
	return *req
}

func (e *env) txn(req api.TransactionApplicationRequest) (*api.TransactionApplicationResponse, error) {
	out, _, err := e.c.CoreApi.CoreTransactionalApplicationsUpdate(e.ctx).TransactionApplicationRequest(req).Execute()
	return out, err
}

func errBody(err error) string {
	if ge, ok := err.(*api.GenericOpenAPIError); ok {
		return string(ge.Body())
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestTransactionalCreatesAllAndAnswersNoPks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.oauth2("earlier").Pk
	seeded := e.emu.Counts()["binding"] // authentik's own, from its blueprints
	g := res(e.c.CoreApi.CoreGroupsCreate(e.ctx).GroupRequest(*api.NewGroupRequest("users")).Execute()).must(t)

	out, err := e.txn(e.txnRequest("grafana", "grafana", g.Pk))
	if err != nil {
		t.Fatalf("transactional create: %s", errBody(err))
	}
	if !out.Applied || len(out.Logs) != 0 {
		t.Errorf("answer = %+v, want applied and no logs (authentik never fills them)", out)
	}
	a := res(e.c.CoreApi.CoreApplicationsRetrieve(e.ctx, "grafana").Execute()).must(t)
	p := e.emu.ProviderPK("grafana")
	if a.Provider.Get() == nil || *a.Provider.Get() != p {
		t.Errorf("application provider = %v, want %d", a.Provider.Get(), p)
	}
	// The dry run drew a pk from the sequence and rolled back: the
	// committed provider gets the next one.
	if p != before+2 {
		t.Errorf("provider pk = %d, want %d (one drawn by the rolled-back dry run)", p, before+2)
	}
	bs := res(e.c.PoliciesApi.PoliciesBindingsList(e.ctx).Target(a.Pk).Execute()).must(t)
	if len(bs.Results) != 1 || bs.Results[0].Group.Get() == nil || *bs.Results[0].Group.Get() != g.Pk {
		t.Errorf("bindings = %+v, want the group's", bs.Results)
	}
	if n := e.emu.Counts(); n["application"] != 1 || n["binding"] != seeded+1 {
		t.Errorf("counts = %v", n)
	}
}

// Nothing is kept unless every entry is valid, and entries are
// must-create: a provider or application left by an earlier run is not
// adopted but refused.
func TestTransactionalAllOrNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		setup func(e *env, req *api.TransactionApplicationRequest)
		want  string
	}{
		{"provider exists", func(e *env, _ *api.TransactionApplicationRequest) { e.oauth2("grafana") },
			`{"provider":{"name":["State is set to must_created and object exists already"]}}`},
		{"application exists", func(e *env, _ *api.TransactionApplicationRequest) { e.app("grafana", 0) },
			`{"app":{"slug":["Application with this slug already exists."]}}`},
		{"binding's group missing", func(e *env, req *api.TransactionApplicationRequest) {
			b := api.NewTransactionPolicyBindingRequest(0)
			b.SetGroup("0f0f0f0f-0000-4000-8000-000000000000")
			req.SetPolicyBindings([]api.TransactionPolicyBindingRequest{*b})
		}, `{"policy_bindings":[{"group":["Invalid pk \"0f0f0f0f-0000-4000-8000-000000000000\" - object does not exist."]}]}`},
		{"binding with nothing bound", func(e *env, req *api.TransactionApplicationRequest) {
			req.SetPolicyBindings([]api.TransactionPolicyBindingRequest{*api.NewTransactionPolicyBindingRequest(0)})
		}, `{"policy_bindings":[{"non_field_errors":["One of 'group', 'policy', 'user' must be set."]}]}`},
		// The app entry carries the outer serializer's validated data:
		// Provider objects, which the entry's own serializer refuses
		// (core/api/transactional_applications.py validate).
		{"backchannel providers", func(e *env, req *api.TransactionApplicationRequest) {
			l := res(e.c.ProvidersApi.ProvidersLdapCreate(e.ctx).LDAPProviderRequest(*api.NewLDAPProviderRequest("dir",
				e.flow("default-authentication-flow"), e.flow("default-invalidation-flow"))).Execute()).must(e.t)
			req.App.BackchannelProviders = []int32{l.Pk}
		}, `{"app":{"backchannel_providers":["Incorrect type. Expected pk value, received Provider."]}}`},
		{"provider invalid", func(e *env, req *api.TransactionApplicationRequest) {
			req.Provider.OAuth2ProviderRequest.AuthorizationFlow = "0f0f0f0f-0000-4000-8000-000000000000"
		}, `{"provider":{"authorization_flow":["Invalid pk \"0f0f0f0f-0000-4000-8000-000000000000\" - object does not exist."]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			req := e.txnRequest("grafana", "grafana", "")
			tc.setup(e, &req)
			before := e.emu.Counts()
			_, err := e.txn(req)
			if err == nil {
				t.Fatal("accepted")
			}
			if got := errBody(err); strings.TrimSpace(got) != tc.want {
				t.Errorf("body = %s\nwant   %s", got, tc.want)
			}
			if after := e.emu.Counts(); after["provider"] != before["provider"] || after["application"] != before["application"] || after["binding"] != before["binding"] {
				t.Errorf("counts %v -> %v: a refused request kept objects", before, after)
			}
		})
	}
}

func TestTransactionalRawErrors(t *testing.T) {
	t.Parallel()
	e := newUncheckedEnv(t)
	// validate() reads provider["name"] unguarded: KeyError, a 500.
	st, _ := e.raw("PUT", "/api/v3/core/transactional/applications/",
		`{"app":{"name":"A","slug":"a"},"provider_model":"authentik_providers_oauth2.oauth2provider","provider":{}}`)
	if st != 500 {
		t.Errorf("provider without name: status %d, want 500", st)
	}
	st, body := e.rawJSON("PUT", "/api/v3/core/transactional/applications/", `{"provider_model":"x.y","provider":"p"}`)
	if st != 400 || mustJSON(t, body) != `{"app":["This field is required."],"provider":["Expected a dictionary of items but got type \"str\"."],"provider_model":["\"x.y\" is not a valid choice."]}` {
		t.Errorf("bad body: %d %s", st, mustJSON(t, body))
	}
	if st, _ := e.raw("GET", "/api/v3/core/transactional/applications/", ""); st != 405 {
		t.Errorf("GET: %d, want 405", st)
	}
	if n := e.emu.Counts(); n["application"] != 0 {
		t.Errorf("counts = %v", n)
	}
}

// The importer's must_created query runs on the entry's own model and ANDs
// the identifiers (authentik/blueprints/v1/importer.py _validate_single,
// __query_from_identifier): a proxy provider of the same name is found by
// the provider serializer's UniqueValidator instead, and a binding
// identical to one earlier in the request is refused under the id "None".
func TestTransactionalMustCreatedPerModel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.proxy("taken")
	g := res(e.c.CoreApi.CoreGroupsCreate(e.ctx).GroupRequest(*api.NewGroupRequest("users")).Execute()).must(t)
	put := func(req api.TransactionApplicationRequest) (int, map[string]any) {
		b, _ := json.Marshal(req)
		return e.rawJSON(http.MethodPut, "/api/v3/core/transactional/applications/", string(b))
	}
	st, m := put(e.txnRequest("taken", "s1", ""))
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"provider": map[string]any{"name": []any{"provider with this name already exists."}}}, m)
	e.oauth2("mine")
	st, m = put(e.txnRequest("mine", "s1", ""))
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"provider": map[string]any{"name": []any{"State is set to must_created and object exists already"}}}, m)

	req := e.txnRequest("fresh", "s2", g.Pk)
	req.PolicyBindings = append(req.PolicyBindings, req.PolicyBindings[0])
	st, m = put(req)
	assert.Equal(t, 400, st)
	must := []any{"State is set to must_created and object exists already"}
	assert.Equal(t, map[string]any{"None": map[string]any{"group": must, "order": must, "target": must}}, m)
	req.PolicyBindings[1].SetOrder(1)
	st, m = put(req)
	assert.Equal(t, 200, st, m)
}

// Null for a field of the outer serializer is DRF's "may not be null"; a
// policy_bindings item that is not an object is its child serializer's
// error at that index (authentik/core/api/transactional_applications.py).
func TestTransactionalOuterFieldErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const path = "/api/v3/core/transactional/applications/"
	null := []any{"This field may not be null."}
	st, m := e.rawJSON(http.MethodPut, path, `{"app":null,"provider_model":null,"provider":null,"policy_bindings":null}`)
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"app": null, "provider_model": null, "provider": null, "policy_bindings": null}, m)
	st, m = e.rawJSON(http.MethodPut, path, `{"app":{"name":"a","slug":"a"},"provider_model":"authentik_providers_oauth2.oauth2provider","provider":{},"policy_bindings":[1,{"order":0}]}`)
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"policy_bindings": []any{
		map[string]any{"non_field_errors": []any{"Invalid data. Expected a dictionary, but got int."}},
		map[string]any{"non_field_errors": []any{"One of 'group', 'policy', 'user' must be set."}},
	}}, m)
}

// An empty backchannel_providers list holds no Provider objects: the app
// entry accepts it.
func TestTransactionalEmptyBackchannelAccepted(t *testing.T) {
	e := newUncheckedEnv(t)
	body := `{"app":{"name":"A","slug":"a","backchannel_providers":[]},"provider_model":"authentik_providers_oauth2.oauth2provider",` +
		`"provider":{"name":"p","authorization_flow":"` + e.flow("default-provider-authorization-implicit-consent") +
		`","invalidation_flow":"` + e.flow("default-provider-invalidation-flow") + `","redirect_uris":[]}}`
	if st, got := e.raw("PUT", "/api/v3/core/transactional/applications/", body); st != 200 {
		t.Errorf("empty backchannel_providers: %d %s", st, got)
	}
}
