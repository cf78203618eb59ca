package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	scimToken    = "scim-Tok3n-never-shown"
	radiusSecret = "radius-S3cret-never-shown"
)

func corpProv(t *testing.T) (*cli, string) {
	t.Helper()
	data, err := os.ReadFile("../../manifests/corp-prov.yaml")
	require.NoError(t, err)
	c := newCLI(t)
	c.env["SCIM_TOKEN"] = scimToken
	c.env["RADIUS_SECRET"] = radiusSecret
	return c, writeManifest(t, string(data))
}

// wireList reads a list endpoint of the emulator over its REST API, as any
// client would: the results, filtered by query.
func wireList(t *testing.T, c *cli, path string, query url.Values) []map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.url+"/api/v3/"+path+"?"+query.Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+c.emu.Token())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, path)
	var page struct {
		Results []map[string]any `json:"results"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	return page.Results
}

// wireOne is the one object of a list named by query.
func wireOne(t *testing.T, c *cli, path string, query url.Values) map[string]any {
	t.Helper()
	got := wireList(t, c, path, query)
	require.Len(t, got, 1, "%s?%s", path, query.Encode())
	return got[0]
}

// Issue 24's proof: the example applies and a second plan is empty; on
// the wire the application has the SCIM provider as its one backchannel
// provider, the entitlement its attributes and a group binding, the
// mapping and the connection their fields, and the outpost the connection.
func TestCorpProvEndToEnd(t *testing.T) {
	t.Parallel()
	c, path := corpProv(t)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	radius := wireOne(t, c, "providers/radius/", url.Values{"name__iexact": {"corp-radius"}})
	assert.Equal(t, "10.0.0.0/8", radius["client_networks"])
	assert.Equal(t, radiusSecret, radius["shared_secret"], "the secret is sent on create")
	scim := wireOne(t, c, "providers/scim/", url.Values{"name": {"corp-scim"}})
	assert.Equal(t, "https://scim.example.com/v2", scim["url"])
	assert.Equal(t, scimToken, scim["token"])

	app := wireOne(t, c, "core/applications/", url.Values{"slug": {"corp-radius"}})
	assert.Equal(t, radius["pk"], app["provider"])
	assert.Equal(t, []any{scim["pk"]}, app["backchannel_providers"], "the SCIM provider is the one backchannel provider")

	ent := wireOne(t, c, "core/application_entitlements/", url.Values{"app": {app["pk"].(string)}})
	assert.Equal(t, "admin", ent["name"])
	assert.Equal(t, map[string]any{"level": float64(2)}, ent["attributes"])
	bindings := wireList(t, c, "policies/bindings/", url.Values{"target": {ent["pbm_uuid"].(string)}})
	require.Len(t, bindings, 1)
	assert.Equal(t, c.emu.GroupPK("Corp Admins"), bindings[0]["group"])
	assert.Equal(t, float64(0), bindings[0]["order"])

	mapping := wireOne(t, c, "propertymappings/provider/saml/", url.Values{"name": {"corp-saml-department"}})
	assert.Equal(t, "department", mapping["saml_name"])
	assert.Contains(t, mapping["expression"], `request.user.attributes.get("department", "")`)

	docker := wireOne(t, c, "outposts/service_connections/docker/", url.Values{"name": {"corp-docker"}})
	assert.Equal(t, "unix:///var/run/docker.sock", docker["url"])
	assert.Equal(t, true, docker["local"])
	outpost := wireOne(t, c, "outposts/instances/", url.Values{"name__iexact": {"corp-radius"}})
	assert.Equal(t, docker["pk"], outpost["service_connection"])
	assert.Equal(t, []any{radius["pk"]}, outpost["providers"])
}

// The secrets appear in no output (plans in every format, apply, a second
// plan, export) and export names the variables that hold them.
func TestCorpProvSecretsNeverShown(t *testing.T) {
	t.Parallel()
	c, path := corpProv(t)
	outs := everyCommandsOutput(t, c, path, []string{"show", "-f", path, "--app", "corp-radius"})
	all := strings.Join(outs, "\n")
	for _, secret := range []string{scimToken, radiusSecret} {
		assert.NotContains(t, all, secret)
	}
	assert.Contains(t, outs[14], "served by outposts (RADIUS on 1812/udp; clients use the provider's shared secret)  corp-radius", "show names the outpost")
	assert.Contains(t, outs[2], "shared_secret", "the plan says a secret is set")
	assert.Contains(t, outs[2], "(sensitive)")

	literal := writeManifest(t, strings.Replace(string(mustRead(t, "../../manifests/corp-prov.yaml")),
		"token: ${SCIM_TOKEN}", "token: plain-literal-token", 1))
	fresh := newCLI(t)
	fresh.env["SCIM_TOKEN"] = scimToken
	fresh.env["RADIUS_SECRET"] = radiusSecret
	r := fresh.run("plan", "-f", literal)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "token is a secret and comes only from a sensitive variable")
	assert.NotContains(t, r.err, "plain-literal-token")
	assert.Zero(t, fresh.emu.Writes())
}

// export --all holds every object the example made, and a plan of it is
// empty.
func TestCorpProvExportRoundTrip(t *testing.T) {
	t.Parallel()
	c, path := corpProv(t)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("export", "--all")
	require.Equal(t, exitOK, r.code, r.err)
	for _, want := range []string{"name: corp-radius", "type: radius", "client_networks: 10.0.0.0/8", "name: corp-scim", "type: scim",
		"url: https://scim.example.com/v2", "backchannel_providers:", "- corp-scim", "entitlements:", "name: admin", "level: 2",
		"group: Corp Admins", "name: corp-saml-department", "type: provider_saml", "saml_name: department",
		"service_connections:", "name: corp-docker", "type: docker", "service_connection: corp-docker"} {
		assert.Contains(t, r.out, want)
	}
	assert.Contains(t, r.out, "add shared_secret: ${CORP_RADIUS_SHARED_SECRET}", "export names a variable for each secret")
	assert.Contains(t, r.out, "add token: ${CORP_SCIM_TOKEN}")
	assert.NotContains(t, r.out, "authorization_flow: default-authentication-flow", "a default reference is left out")
	exported := writeManifest(t, r.out)
	r = c.run("plan", "-f", exported, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the export plans empty: %s%s", r.out, r.err)
}

// A provider is an application's provider or a backchannel one, never
// both; a SCIM provider is only a backchannel provider. Refused offline,
// at its line.
func TestBackchannelProviderRules(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["SCIM_TOKEN"] = scimToken
	c.env["RADIUS_SECRET"] = radiusSecret
	src := string(mustRead(t, "../../manifests/corp-prov.yaml"))
	both := writeManifest(t, strings.Replace(src, "backchannel_providers: [corp-scim]", "backchannel_providers: [corp-radius]", 1))
	r := c.run("validate", "-f", both)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `lists radius provider "corp-radius" as a backchannel provider: only LDAP and SCIM providers are backchannel providers`)
	scimMain := writeManifest(t, strings.Replace(src, "provider: corp-radius\n", "provider: corp-scim\n", 1))
	r = c.run("validate", "-f", scimMain)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `uses SCIM provider "corp-scim" as its provider`)
	assert.Zero(t, c.emu.Writes())
}

const kubeconfigText = `apiVersion: v1
kind: Config
current-context: corp
contexts:
  - name: corp
    context: {cluster: corp, user: corp}
clusters:
  - name: corp
    cluster: {server: "https://k8s.corp.example:6443"}
users:
  - name: corp
    user: {token: kube-T0ken-never-shown}
`

// A Kubernetes connection's kubeconfig comes only from a sensitive
// variable holding its YAML: sent as a mapping on create, never shown,
// and a second plan is empty. A RAC provider applies with its endpoints
// (each with its own group binding), and a RADIUS outpost names the
// connection.
func TestKubernetesConnectionAndRACEndpoints(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["KUBECONFIG_TEXT"] = kubeconfigText
	path := writeManifest(t, `version: 1
variables:
  KUBECONFIG_TEXT: {sensitive: true}
groups:
  - name: Ops
service_connections:
  - name: corp-k8s
    type: kubernetes
    local: false
    kubeconfig: ${KUBECONFIG_TEXT}
providers:
  - name: corp-rac
    type: rac
    authorization_flow: default-provider-authorization-implicit-consent
    endpoints:
      - name: jump
        host: jump.corp.example:22
        protocol: ssh
        auth_mode: prompt
        policies: [{group: Ops, order: 0}]
applications:
  - name: Corp RAC
    slug: corp-rac
    provider: corp-rac
outposts:
  - name: corp-rac
    type: rac
    providers: [corp-rac]
    service_connection: corp-k8s
`)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.NotContains(t, r.out+r.err, "kube-T0ken-never-shown")
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	k8s := wireOne(t, c, "outposts/service_connections/kubernetes/", url.Values{"name": {"corp-k8s"}})
	kc, _ := k8s["kubeconfig"].(map[string]any)
	assert.Equal(t, "corp", kc["current-context"], "the variable's YAML is sent as a mapping")
	rac := wireOne(t, c, "providers/rac/", url.Values{"name": {"corp-rac"}})
	ep := wireOne(t, c, "rac/endpoints/", url.Values{"name": {"jump"}})
	assert.Equal(t, rac["pk"], ep["provider"])
	assert.Equal(t, "ssh", ep["protocol"])
	assert.Len(t, wireList(t, c, "policies/bindings/", url.Values{"target": {ep["pk"].(string)}}), 1)
	outpost := wireOne(t, c, "outposts/instances/", url.Values{"name__iexact": {"corp-rac"}})
	assert.Equal(t, k8s["pk"], outpost["service_connection"])

	r = c.run("export", "--all")
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.out, "kube-T0ken-never-shown")
	assert.Contains(t, r.out, "add kubeconfig: ${CORP_K8S_KUBECONFIG}")

	literal := writeManifest(t, strings.Replace(mustReadFile(t, path), "kubeconfig: ${KUBECONFIG_TEXT}", "kubeconfig: {clusters: []}", 1))
	r = c.run("validate", "-f", literal)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "kubeconfig is a secret and comes only from a sensitive variable")
}

func mustReadFile(t *testing.T, path string) string {
	t.Helper()
	return string(mustRead(t, path))
}

// Provider property mappings the manifest declares are usable by name from
// their providers, created first: a SAML provider's (hand-written) and a
// RADIUS provider's (the engine's).
func TestProviderMappingsByName(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["RADIUS_SECRET"] = radiusSecret
	path := writeManifest(t, `version: 1
variables:
  RADIUS_SECRET: {sensitive: true}
property_mappings:
  - name: dept
    type: provider_saml
    saml_name: department
    expression: return request.user.attributes.get("department", "")
  - name: vlan
    type: provider_radius
    expression: 'return {"Tunnel-Private-Group-Id": "10"}'
providers:
  - name: wiki
    type: saml
    acs_url: https://wiki.example.com/saml/acs
    property_mappings: [dept]
  - name: net
    type: radius
    shared_secret: ${RADIUS_SECRET}
    property_mappings: [vlan]
`)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)
	dept := wireOne(t, c, "propertymappings/provider/saml/", url.Values{"name": {"dept"}})
	vlan := wireOne(t, c, "propertymappings/provider/radius/", url.Values{"name": {"vlan"}})
	saml := wireOne(t, c, "providers/saml/", url.Values{"name__iexact": {"wiki"}})
	assert.Equal(t, []any{dept["pk"]}, saml["property_mappings"])
	radius := wireOne(t, c, "providers/radius/", url.Values{"name__iexact": {"net"}})
	assert.Equal(t, []any{vlan["pk"]}, radius["property_mappings"])
}

// A RADIUS provider is a "provider" to users: in plans (text and JSON),
// in --target and in moved:, like the hand-written types, although the
// engine's plan kind for it has another name.
func TestEngineProvidersAreProvidersToUsers(t *testing.T) {
	t.Parallel()
	c, path := corpProv(t)
	r := c.run("plan", "-f", path)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `+ provider "corp-radius" {`)
	assert.NotContains(t, r.out, "engine")

	r = c.run("plan", "-f", path, "--target", "provider/corp-scim", "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	var p struct {
		Changes []struct{ Kind, Key string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &p))
	assert.Equal(t, []struct{ Kind, Key string }{{"provider", "corp-scim"}}, p.Changes)

	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	pk := wireOne(t, c, "providers/radius/", url.Values{"name": {"corp-radius"}})["pk"]
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	renamed := strings.Replace(string(data), "- name: corp-radius\n    type: radius\n    shared", "- name: corp-radius-2\n    type: radius\n    shared", 1)
	renamed = strings.Replace(renamed, "provider: corp-radius\n", "provider: corp-radius-2\n", 1)
	renamed = strings.Replace(renamed, "providers: [corp-radius]", "providers: [corp-radius-2]", 1)
	renamed += "moved:\n  - {kind: provider, from: corp-radius, to: corp-radius-2}\n"
	require.NoError(t, os.WriteFile(path, []byte(renamed), 0o600))
	r = c.run("plan", "-f", path)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `~ provider "corp-radius" -> "corp-radius-2" {`)
	assert.Contains(t, r.out, "0 to destroy")
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	assert.Equal(t, pk, wireOne(t, c, "providers/radius/", url.Values{"name": {"corp-radius-2"}})["pk"], "renamed in place")

	r = c.run("state", "release", "--stack", "corp-prov", "--kind", "provider", "--key", "corp-scim")
	require.Equal(t, exitOK, r.code, r.err)
	r = c.run("state", "list", "--stack", "corp-prov")
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.out, "corp-scim", "released")
	assert.Contains(t, r.out, "corp-radius-2")
	assert.NotContains(t, r.out, "engine")
}
