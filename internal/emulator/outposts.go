package emulator

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/protocol"
	"github.com/provision/provision/internal/emulator/store"
)

var outpostTypes = []string{"proxy", "ldap", "radius", "rac"}

// outpostProviderClass is the Python class each outpost type accepts.
var outpostProviderClass = map[string]string{
	"proxy": "ProxyProvider", "ldap": "LDAPProvider", "radius": "RadiusProvider", "rac": "RACProvider",
}

// providers may be empty only on the embedded outpost (validate_providers).
var outpostFields = []fieldDef{
	{name: "name", typ: ftString, required: true, unique: "Outpost with this name already exists."},
	{name: "type", typ: ftChoice, required: true, choices: outpostTypes},
	{name: "providers", typ: ftIntRefList, ref: "provider", required: true, allowEmpty: true, def: []int32{},
		unordered: true},
	{name: "service_connection", typ: ftRef, ref: "serviceconnection"},
	{name: "config", typ: ftObject, required: true},
	{name: "managed", typ: ftNullString, unique: "Outpost with this Managed by authentik already exists."},
}

var outpostKind = &kindDef[*store.Outpost]{
	kind: "outpost", model: "Outpost", prefix: "outposts/instances/", fields: outpostFields,
	list: httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{httpapi.IExact("name__iexact", "name"), httpapi.IContains("name__icontains", "name"),
			httpapi.IExact("managed__iexact", "managed"), httpapi.IContains("managed__icontains", "managed"),
			isNullList("providers__isnull", "providers"), httpapi.ListContains("providers_by_pk", "providers")},
		SearchFields: []string{"name", "_providers_names"},
		Order:        []string{"name"},
	},
	refFilters: func(e *Emulator) (map[string]func(string) bool, map[string]func(string) bool) {
		return nil, map[string]func(string) bool{
			"providers_by_pk": func(v string) bool {
				n, err := strconv.ParseInt(v, 10, 32)
				return err == nil && e.st.ProviderExists(int32(n))
			},
		}
	},
	listExtra: func(e *Emulator, o *store.Outpost, m map[string]any) {
		var names []string
		for _, pk := range o.Providers() {
			if p := e.st.ProviderByPK(pk); p != nil {
				names = append(names, p.Name)
			}
		}
		m["_providers_names"] = strings.Join(names, "\n")
	},
	all: func(e *Emulator) []*store.Outpost { return e.st.Outposts },
	byID: func(e *Emulator, id string) (*store.Outpost, bool) {
		o := e.st.OutpostByPK(id)
		return o, o != nil
	},
	fresh: func(e *Emulator) *store.Outpost { return &store.Outpost{Attrs: map[string]any{"managed": nil}} },
	clone: func(o *store.Outpost) *store.Outpost { n := *o; n.Attrs = cloneAttrs(o.Attrs); return &n },
	commit: func(e *Emulator, dst, src *store.Outpost) {
		// outpost_m2m_changed: a change of providers rebuilds the service
		// account's permissions through Outpost.user, which re-creates the
		// account if it is gone and renames it after the outpost.
		providersChanged := !sameInt32Set(dst.Providers(), src.Providers())
		*dst = *src
		if providersChanged {
			e.outpostUser(dst)
		}
	},
	insert: func(e *Emulator, o *store.Outpost) {
		o.PK = e.newUUID()
		e.st.Outposts = append(e.st.Outposts, o)
		e.outpostCreated(o)
	},
	remove: func(e *Emulator, o *store.Outpost) {
		e.st.Outposts = slices.DeleteFunc(e.st.Outposts, func(x *store.Outpost) bool { return x == o })
		e.outpostDeleted(o)
	},
	attrs: func(o *store.Outpost) map[string]any { return o.Attrs },
	key:   func(o *store.Outpost) string { return o.Name() },
	pk:    func(o *store.Outpost) string { return o.PK },
	fieldChecks: func(e *Emulator, f *httpapi.Form, o *store.Outpost) {
		stored := e.st.OutpostByPK(o.PK)
		wasEmbedded := o.PK != "" && stored != nil && stored.Embedded()
		// OutpostSerializer.validate_name.
		if f.Has("name") && f.Errs["name"] == nil && wasEmbedded && o.Name() != stored.Name() {
			f.Errs["name"] = []string{"Embedded outpost's name cannot be changed"}
		}
		// validate_providers: each provider must be of the type's class,
		// the type read from the raw body (without it every provider
		// passes; an unknown one is a KeyError, a 500); the list may be
		// empty only on the embedded outpost.
		if f.Has("providers") && f.Errs["providers"] == nil {
			if rawType, ok := f.Raw["type"]; ok {
				t, _ := httpapi.ScalarString(rawType)
				want, known := outpostProviderClass[t]
				if !known {
					f.Crash("providers")
					return
				}
				for _, pk := range o.Providers() {
					if got := e.st.ProviderByPK(pk).ConcreteClass().PyName; got != want {
						f.Fail("providers", fmt.Sprintf("Outpost type %s can't be used with %s providers.", t, got))
						break
					}
				}
			}
			if len(o.Providers()) == 0 && !wasEmbedded && !o.Embedded() {
				f.Fail("providers", "This list may not be empty.")
			}
		}
		// validate_config.
		if f.Has("config") && f.Errs["config"] == nil {
			checkOutpostConfig(f, o.Config())
		}
	},
	render: func(e *Emulator, _ *httpapi.Call, o *store.Outpost) map[string]any {
		objs := []any{}
		for _, pk := range scramble(e.seed, o.Providers()) {
			if p := e.st.ProviderByPK(pk); p != nil {
				objs = append(objs, e.renderProviderAs(p, store.ClassBase))
			}
		}
		return map[string]any{"pk": o.PK, "providers_obj": objs, "service_connection_obj": nil,
			"refresh_interval_s": json.Number(strconv.Itoa(refreshInterval(o.Config()))),
			"token_identifier":   outpostTokenIdentifier(o)}
	},
	collectionActions: map[string]action{
		"default_settings": {methods: map[string]handler{http.MethodGet: func(c *httpapi.Call) httpapi.Resp { return outpostDefaultSettings(c) }}},
	},
	detailActions: map[string]kindAction[*store.Outpost]{
		"health": {fn: func(e *Emulator, _ *httpapi.Call, o *store.Outpost) httpapi.Resp { return outpostHealth(o) }},
	},
}

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
	secs, err := httpapi.DurationSeconds(s)
	if err != nil {
		secs, _ = httpapi.DurationSeconds("minutes=5")
	}
	return int(secs)
}

// isNullList is `<m2m>__isnull`: true keeps objects whose list is empty.
func isNullList(param, field string) httpapi.FilterSpec {
	return httpapi.FilterSpec{Param: param, Match: func(o httpapi.Getter, v []string) bool {
		b, err := httpapi.ParseBool(v[0])
		if err != nil {
			return true
		}
		items, _ := o(field).([]any)
		return (len(items) == 0) == b
	}}
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
func outpostDefaultSettings(c *httpapi.Call) httpapi.Resp {
	return httpapi.Resp{Status: http.StatusOK, Body: map[string]any{"config": defaultOutpostConfig(protocol.BaseURL(c.R) + "/")}}
}

// outpostHealth is OutpostViewSet.health (authentik/outposts/api/outposts.py):
// the state each connected instance last reported, unpaginated; [] when
// none ever connected. The embedded outpost runs inside the server, so it
// has one instance whenever authentik answers.
func outpostHealth(o *store.Outpost) httpapi.Resp {
	states := append([]map[string]any{}, o.Health...)
	if o.Embedded() && len(states) == 0 {
		states = append(states, outpostState("authentik-server"))
	}
	return httpapi.Resp{Status: http.StatusOK, Body: states}
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
	for _, o := range e.st.Outposts {
		if o.Name() == name {
			o.Health = append(o.Health, outpostState(hostname))
		}
	}
}

// An outpost's service account and API token, as authentik 2026.2.2
// makes them (authentik/outposts/models.py Outpost.user, Outpost.token,
// user_identifier, token_identifier; signals.py outpost_post_save,
// outpost_pre_delete_cleanup).

// outpostUsername is Outpost.user_identifier: ak-outpost-<uuid.hex>, the
// uuid without its dashes.
func outpostUsername(o *store.Outpost) string {
	return "ak-outpost-" + strings.ToLower(strings.ReplaceAll(o.PK, "-", ""))
}

// outpostTokenIdentifier is Outpost.token_identifier: ak-outpost-<pk>-api,
// the uuid with its dashes (an f-string of the UUID).
func outpostTokenIdentifier(o *store.Outpost) string { return fmt.Sprintf("ak-outpost-%s-api", o.PK) }

// outpostCreated is outpost_post_save on create: "ensuring initial token
// and user are created" (instance.token, which makes the user first).
func (e *Emulator) outpostCreated(o *store.Outpost) { e.outpostToken(o) }

// outpostUser is Outpost.user: the internal service account
// ak-outpost-<uuid.hex>, got or created, named "Outpost <name>
// Service-Account" under goauthentik.io/outposts, with an unusable
// password. User.objects.create(username=...) leaves the email empty.
func (e *Emulator) outpostUser(o *store.Outpost) *store.User {
	id := outpostUsername(o)
	var u *store.User
	for _, x := range e.st.Users {
		if x.Username == id {
			u = x
		}
	}
	if u == nil {
		u = e.addUser(id, "")
		u.Email = ""
	}
	u.Name = fmt.Sprintf("Outpost %s Service-Account", o.Name())
	u.Type, u.Path, u.Password = "internal_service_account", "goauthentik.io/outposts", ""
	return u
}

// outpostToken is Outpost.token: the API token ak-outpost-<pk>-api of the
// service account, never expiring, managed
// goauthentik.io/outpost/ak-outpost-<pk>-api, got or created. Its pk is
// derived from the outpost's and its key is drawn when first viewed
// (viewKey), so the emulator's random draws, and with them every pk
// seeded or created after an outpost, stay as they were.
func (e *Emulator) outpostToken(o *store.Outpost) *store.APIToken {
	id := outpostTokenIdentifier(o)
	for _, t := range e.st.Tokens {
		if t.Identifier == id {
			return t
		}
	}
	u := e.outpostUser(o)
	managed := "goauthentik.io/outpost/" + id
	t := &store.APIToken{PK: derivedUUID("outpost-token:" + o.PK), Identifier: id, Intent: "api", User: u.PK,
		Description: "Autogenerated by authentik for Outpost " + o.Name(), Expiring: false, Managed: &managed}
	e.st.Tokens = append(e.st.Tokens, t)
	return t
}

// outpostDeleted is outpost_pre_delete_cleanup: the service account is
// deleted, and with it (Token.user CASCADE) the token.
func (e *Emulator) outpostDeleted(o *store.Outpost) {
	for _, u := range slices.Clone(e.st.Users) {
		if u.Username == outpostUsername(o) {
			e.removeUser(u)
		}
	}
}

// derivedUUID is a version-4-shaped uuid derived from seed, drawing
// nothing from the emulator's random source.
func derivedUUID(seed string) string {
	h := sha256.Sum256([]byte(seed))
	b := h[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func sameInt32Set(a, b []int32) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}
