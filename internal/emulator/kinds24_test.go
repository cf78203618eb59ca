package emulator_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A SCIM provider has no flows (SCIMProviderSerializer), is a backchannel
// provider (providers/all/?backchannel=true), renders null flows in
// providers/all/, and its token is readable; sync_page_size has
// MinValueValidator(1).
func TestSCIMProvider(t *testing.T) {
	e := newEnv(t)
	st, m := e.rawJSON("POST", "/api/v3/providers/scim/", `{"name":"s","url":"https://scim.example.com/v2","token":"t0k"}`)
	require.Equal(t, http.StatusCreated, st, "%v", m)
	assert.Equal(t, "t0k", m["token"])
	assert.NotContains(t, m, "authorization_flow")
	assert.Equal(t, "authentik_providers_scim.scimprovider", m["meta_model_name"])
	st, all := e.rawJSON("GET", "/api/v3/providers/all/?backchannel=true", "")
	require.Equal(t, http.StatusOK, st)
	require.Len(t, all["results"], 1)
	got := all["results"].([]any)[0].(map[string]any)
	assert.Nil(t, got["authorization_flow"])
	st, body := e.raw("POST", "/api/v3/providers/scim/", `{"name":"s2","url":"https://x","sync_page_size":0}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "sync_page_size")
	st, body = e.raw("POST", "/api/v3/providers/radius/", `{"name":"s","authorization_flow":"x"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "provider with this name already exists.", "names are unique across provider types")
}

// validate_kubeconfig: an empty kubeconfig needs local (read from the
// body: without it, a 500); another must load.
func TestKubernetesServiceConnectionKubeconfig(t *testing.T) {
	e := newEnv(t)
	st, body := e.raw("POST", "/api/v3/outposts/service_connections/kubernetes/", `{"name":"k","kubeconfig":{}}`)
	assert.Equal(t, http.StatusInternalServerError, st, body)
	st, body = e.raw("POST", "/api/v3/outposts/service_connections/kubernetes/", `{"name":"k","kubeconfig":{},"local":false}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "You can only use an empty kubeconfig when connecting to a local cluster.")
	st, body = e.raw("POST", "/api/v3/outposts/service_connections/kubernetes/", `{"name":"k","kubeconfig":{"apiVersion":"v1"},"local":false}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "Invalid kubeconfig")
	st, body = e.raw("POST", "/api/v3/outposts/service_connections/kubernetes/", `{"name":"k","local":false,"kubeconfig":
		{"current-context":"c","contexts":[{"name":"c","context":{"cluster":"x","user":"u"}}],"clusters":[{"name":"x","cluster":{"server":"https://k8s"}}],"users":[{"name":"u"}]}}`)
	require.Equal(t, http.StatusCreated, st, body)
	st, body = e.raw("POST", "/api/v3/outposts/service_connections/docker/", `{"name":"k","url":"unix:///var/run/docker.sock"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "already exists", "names are unique across connection types")
}

// An entitlement is unique per (app, name); its bindings name a group or a
// user, never a policy alone (supported_policy_binding_targets); it is
// deleted with its application, and its bindings with it.
func TestEntitlementBindingsAndCascade(t *testing.T) {
	e := newEnv(t)
	seeded := e.emu.Counts()["binding"] // authentik's own, from its blueprints
	st, app := e.rawJSON("POST", "/api/v3/core/applications/", `{"name":"A","slug":"a"}`)
	require.Equal(t, http.StatusCreated, st)
	body := fmt.Sprintf(`{"name":"admin","app":%q,"attributes":{"level":2}}`, app["pk"])
	st, ent := e.rawJSON("POST", "/api/v3/core/application_entitlements/", body)
	require.Equal(t, http.StatusCreated, st, "%v", ent)
	st, dup := e.raw("POST", "/api/v3/core/application_entitlements/", body)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, dup, "The fields app, name must make a unique set.")

	st, pol := e.rawJSON("POST", "/api/v3/policies/dummy/", `{"name":"p"}`)
	require.Equal(t, http.StatusCreated, st, "%v", pol)
	st, b := e.raw("POST", "/api/v3/policies/bindings/", fmt.Sprintf(`{"target":%q,"policy":%q,"order":0}`, ent["pbm_uuid"], pol["pk"]))
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, b, "One of 'group', 'user' must be set.")
	st, g := e.rawJSON("POST", "/api/v3/core/groups/", `{"name":"g"}`)
	require.Equal(t, http.StatusCreated, st)
	st, b = e.raw("POST", "/api/v3/policies/bindings/", fmt.Sprintf(`{"target":%q,"group":%q,"order":0}`, ent["pbm_uuid"], g["pk"]))
	require.Equal(t, http.StatusCreated, st, b)

	st, _ = e.raw("DELETE", "/api/v3/core/applications/a/", "")
	require.Equal(t, http.StatusNoContent, st)
	st, list := e.rawJSON("GET", "/api/v3/core/application_entitlements/", "")
	require.Equal(t, http.StatusOK, st)
	assert.Empty(t, list["results"])
	assert.Equal(t, seeded, e.emu.Counts()["binding"], "the entitlement's binding went with it")
}
