package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const embeddedManaged = "goauthentik.io/outposts/embedded"

// outpost is an outposts.Outpost. config is kept verbatim as sent.
type outpost struct {
	PK                string
	Name              string
	Type              string
	Providers         []int32
	ServiceConnection *string
	Config            json.RawMessage
	Managed           *string
	// Health are the states its running instances report (ConnectOutpost):
	// none, as no outpost process connects to the emulator.
	Health []map[string]any
	// TokenKey is the key of the outpost's API token (ak-outpost-<pk>-api),
	// which authentik creates with the outpost (outpost_post_save); drawn
	// when first viewed, so the seeded pks stay as they were.
	TokenKey string
}

type outpostOut struct {
	PK                   string           `json:"pk"`
	Name                 string           `json:"name"`
	Type                 string           `json:"type"`
	Providers            []int32          `json:"providers"`
	ProvidersObj         []map[string]any `json:"providers_obj"`
	ServiceConnection    *string          `json:"service_connection"`
	ServiceConnectionObj map[string]any   `json:"service_connection_obj"`
	RefreshIntervalS     int              `json:"refresh_interval_s"`
	TokenIdentifier      string           `json:"token_identifier"`
	Config               json.RawMessage  `json:"config"`
	Managed              *string          `json:"managed"`
}

var outpostTypes = []string{"proxy", "ldap", "radius", "rac"}

// outpostProviderClass is the Python class each outpost type accepts.
var outpostProviderClass = map[string]string{
	"proxy": "ProxyProvider", "ldap": "LDAPProvider", "radius": "RadiusProvider", "rac": "RACProvider",
}

func (o *outpost) embedded() bool { return o.Managed != nil && *o.Managed == embeddedManaged }

// refreshInterval is OutpostSerializer.get_refresh_interval_s:
// int(timedelta_from_string(config.refresh_interval).total_seconds()), with
// the dataclass default minutes=5 when the key is absent.
func refreshInterval(config json.RawMessage) int {
	var cfg map[string]any
	_ = json.Unmarshal(config, &cfg)
	s, ok := cfg["refresh_interval"].(string)
	if !ok {
		s = "minutes=5"
	}
	secs, err := durationSeconds(s)
	if err != nil {
		secs, _ = durationSeconds("minutes=5")
	}
	return int(secs)
}

func (e *Emulator) renderOutpost(o *outpost) map[string]any {
	out := outpostOut{
		PK: o.PK, Name: o.Name, Type: o.Type, Providers: scramble(e.seed, o.Providers),
		ProvidersObj: []map[string]any{}, ServiceConnection: o.ServiceConnection,
		RefreshIntervalS: refreshInterval(o.Config), Config: o.Config, Managed: o.Managed,
	}
	for _, pk := range out.Providers {
		if p := e.st.providerByPK(pk); p != nil {
			out.ProvidersObj = append(out.ProvidersObj, e.renderProviderAs(p, classBase))
		}
	}
	out.TokenIdentifier = fmt.Sprintf("ak-outpost-%s-api", o.PK)
	m := toMap(out)
	e.applyOverrides("outpost", o.Name, m)
	return m
}

func (s *state) outpostByPK(pk string) *outpost {
	for _, o := range s.outposts {
		if strings.EqualFold(o.PK, pk) {
			return o
		}
	}
	return nil
}

func (e *Emulator) listOutposts(c *call) resp {
	if r := e.checkRefFilters(c, nil, map[string]func(string) bool{
		"providers_by_pk": func(v string) bool {
			n, err := strconv.ParseInt(v, 10, 32)
			return err == nil && e.st.providerExists(int32(n))
		},
	}); r != nil {
		return *r
	}
	objs := []map[string]any{}
	for _, o := range e.st.outposts {
		m := e.renderOutpost(o)
		var names []string
		for _, pk := range o.Providers {
			if p := e.st.providerByPK(pk); p != nil {
				names = append(names, p.Name)
			}
		}
		m["_providers_names"] = strings.Join(names, "\n")
		objs = append(objs, m)
	}
	res := e.list(c, objs, listSpec{
		filters: []filterSpec{iexact("name__iexact", "name"), icontains("name__icontains", "name"),
			iexact("managed__iexact", "managed"), icontains("managed__icontains", "managed"),
			isNullList("providers__isnull", "providers"), listContains("providers_by_pk", "providers")},
		searchFields: []string{"name", "_providers_names"},
		order:        []string{"name"},
	})
	stripPrivate(res)
	return res
}

// isNullList is `<m2m>__isnull`: true keeps objects whose list is empty.
func isNullList(param, field string) filterSpec {
	return filterSpec{param: param, match: func(o getter, v []string) bool {
		b, err := parseBool(v[0])
		if err != nil {
			return true
		}
		items, _ := o(field).([]any)
		return (len(items) == 0) == b
	}}
}

func (e *Emulator) outpostFromURL(c *call) (*outpost, *resp) {
	if !isUUID(c.id) {
		r := notFound()
		return nil, &r
	}
	o := e.st.outpostByPK(c.id)
	if o == nil {
		r := noMatch("Outpost")
		return nil, &r
	}
	return o, nil
}

func (e *Emulator) getOutpost(c *call) resp {
	o, r := e.outpostFromURL(c)
	if r != nil {
		return *r
	}
	return resp{status: 200, body: e.renderOutpost(o)}
}

func (e *Emulator) createOutpost(c *call) resp {
	o := &outpost{Type: "proxy"}
	if r := e.writeOutpost(c, o, false); r.status != 0 {
		return r
	}
	o.PK = e.newUUID()
	e.st.outposts = append(e.st.outposts, o)
	return resp{status: http.StatusCreated, body: e.renderOutpost(o)}
}

func (e *Emulator) putOutpost(c *call) resp   { return e.updateOutpost(c, false) }
func (e *Emulator) patchOutpost(c *call) resp { return e.updateOutpost(c, true) }

func (e *Emulator) updateOutpost(c *call, partial bool) resp {
	o, r := e.outpostFromURL(c)
	if r != nil {
		return *r
	}
	next := *o
	if r := e.writeOutpost(c, &next, partial); r.status != 0 {
		return r
	}
	*o = next
	return resp{status: 200, body: e.renderOutpost(o)}
}

// writeOutpost validates an outpost body into o (OutpostSerializer).
func (e *Emulator) writeOutpost(c *call, o *outpost, partial bool) resp {
	f, perr := parseForm(c.body, partial)
	if perr != nil {
		return *perr
	}
	wasEmbedded := o.PK != "" && o.embedded()
	var name string
	if f.str("name", true, false, &name) {
		if wasEmbedded && name != o.Name {
			f.fail("name", "Embedded outpost's name cannot be changed")
		}
		for _, x := range e.st.outposts {
			if x.Name == name && x.PK != o.PK {
				f.fail("name", "Outpost with this name already exists.")
			}
		}
		o.Name = name
	}
	f.choice("type", true, outpostTypes, &o.Type)
	f.nullStr("managed", &o.Managed)
	if f.has("managed") && o.Managed != nil {
		for _, x := range e.st.outposts {
			if x.Managed != nil && *x.Managed == *o.Managed && x.PK != o.PK {
				f.fail("managed", "Outpost with this Managed by authentik already exists.")
			}
		}
	}
	embedded := wasEmbedded || o.embedded()
	var providers []int32
	if f.intList("providers", true, embedded, e.st.providerExists, &providers) {
		// The type comes from the raw body; without it every provider passes.
		if rawType, ok := f.raw["type"]; ok {
			t, _ := scalarString(rawType)
			want, known := outpostProviderClass[t]
			if !known {
				// authentik indexes its type map with the raw value: KeyError.
				return serverError()
			}
			{
				for _, pk := range providers {
					p := e.st.providerByPK(pk)
					if got := p.concreteClass().pyName; got != want {
						f.fail("providers", fmt.Sprintf("Outpost type %s can't be used with %s providers.", t, got))
						break
					}
				}
			}
		}
		o.Providers = providers
	}
	f.uuidRef("service_connection", false, true, func(string) string { return "" }, &o.ServiceConnection)
	if f.object("config", true, &o.Config) {
		checkOutpostConfig(f, o.Config)
	}
	if !f.ok() {
		return f.result()
	}
	return resp{}
}

func (e *Emulator) deleteOutpost(c *call) resp {
	o, r := e.outpostFromURL(c)
	if r != nil {
		return *r
	}
	out := e.st.outposts[:0]
	for _, x := range e.st.outposts {
		if x != o {
			out = append(out, x)
		}
	}
	e.st.outposts = out
	return resp{status: http.StatusNoContent}
}

// defaultOutpostConfig is asdict(OutpostConfig(authentik_host=host))
// (authentik/outposts/models.py), with log_level "info" and the namespace
// "default" of a server outside Kubernetes.
func defaultOutpostConfig(host string) map[string]any {
	return map[string]any{
		"authentik_host": host, "authentik_host_insecure": false, "authentik_host_browser": "",
		"log_level": "info", "object_naming_template": "ak-outpost-%(name)s", "refresh_interval": "minutes=5",
		"container_image": nil, "docker_network": nil, "docker_map_ports": true, "docker_labels": nil,
		"kubernetes_replicas": 1, "kubernetes_namespace": "default", "kubernetes_ingress_annotations": map[string]any{},
		"kubernetes_ingress_secret_name": "authentik-outpost-tls", "kubernetes_ingress_class_name": nil,
		"kubernetes_ingress_path_type": nil, "kubernetes_httproute_annotations": map[string]any{},
		"kubernetes_httproute_parent_refs": []any{}, "kubernetes_service_type": "ClusterIP",
		"kubernetes_disabled_components": []any{}, "kubernetes_image_pull_secrets": []any{},
		"kubernetes_json_patches": nil,
	}
}

// outpostDefaultSettings is OutpostViewSet.default_settings: the default
// config with authentik_host = request.build_absolute_uri("/").
func (e *Emulator) outpostDefaultSettings(c *call) resp {
	return resp{status: http.StatusOK, body: map[string]any{"config": defaultOutpostConfig(baseURL(c.r) + "/")}}
}

// outpostHealth is OutpostViewSet.health (authentik/outposts/api/outposts.py):
// the state each connected instance last reported, unpaginated; [] when
// none ever connected. The embedded outpost runs inside the server, so it
// has one instance whenever authentik answers.
func (e *Emulator) outpostHealth(c *call) resp {
	o, r := e.outpostFromURL(c)
	if r != nil {
		return *r
	}
	states := append([]map[string]any{}, o.Health...)
	if o.Managed != nil && *o.Managed == embeddedManaged && len(states) == 0 {
		states = append(states, outpostState("authentik-server"))
	}
	return resp{status: http.StatusOK, body: states}
}

// outpostState is one OutpostHealthSerializer entry of an instance of the
// emulated version.
func outpostState(hostname string) map[string]any {
	return map[string]any{
		"uid": hostname, "last_seen": time.Now().UTC().Format(time.RFC3339), "version": "2026.2.2",
		"version_should": "2026.2.2", "version_outdated": false, "build_hash": "", "build_hash_should": "",
		"golang_version": "go1.25", "openssl_enabled": false, "openssl_version": "", "fips_enabled": nil,
		"hostname": hostname,
	}
}

// ConnectOutpost makes the named outpost report one running instance, as
// a deployed outpost does once it connects with its token.
func (e *Emulator) ConnectOutpost(name, hostname string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, o := range e.st.outposts {
		if o.Name == name {
			o.Health = append(o.Health, outpostState(hostname))
		}
	}
}

// viewTokenKey is TokenViewSet.view_key (authentik/core/api/tokens.py) for
// the tokens the emulator has: each outpost's, identifier
// ak-outpost-<pk>-api (Outpost.token_identifier), created with the outpost
// and deleted with it. The key is default_token_key's 60 characters.
func (e *Emulator) viewTokenKey(c *call) resp {
	for _, o := range e.st.outposts {
		if fmt.Sprintf("ak-outpost-%s-api", o.PK) != c.id {
			continue
		}
		if o.TokenKey == "" {
			o.TokenKey = e.randomString(60)
		}
		return resp{status: http.StatusOK, body: map[string]any{"key": o.TokenKey}}
	}
	return noMatch("Token")
}
